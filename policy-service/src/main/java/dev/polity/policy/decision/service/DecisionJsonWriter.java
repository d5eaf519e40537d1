package dev.polity.policy.decision.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.engine.CompiledPolicy;
import dev.polity.policy.engine.ConstantEvaluations;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.RuleResult;
import jakarta.inject.Singleton;

import java.io.UncheckedIOException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a decision as JSON: the same bytes as databind writes for {@link DecisionResponse} (field for
 * field, in the same order, escaped alike; {@code DecisionJsonWriterTest} and {@code DecisionResourceTest}
 * compare the two), at a fraction of the cost.
 *
 * <p>Why not databind, nor Jackson's streaming generator: a decision of the standard library lists 32
 * policies and about 90 rules, 23 KB of JSON. Databind spent most of its time in reflective record
 * accessors and in encoding the same policy ids, names and rule names on every decision; the streaming
 * generator, with those names encoded once, still made about a thousand calls per answer, each checking
 * its context and escaping, and took about 55 us for the answer and 35 us for the audit record (session 8,
 * in process). Here the JSON is appended to a byte buffer ({@link JsonBytes}) from fragments encoded once:
 * field names with their punctuation once per process; what comes from a compiled policy (id, name, type,
 * enforcement, each rule's {@code {"name":...,"passed":} and remedy) once per compiled policy
 * ({@link EncodedNames}); and the whole JSON of a policy's constant evaluations (all passed, not
 * applicable) once per compiled policy too. Only what the request decides (messages, reasons, conditions,
 * constraints, ids, times) is encoded per decision.
 *
 * <p>It also writes the decision's audit record, which is the decision without what the bundle
 * revision already fixes: each policy by id, version and outcome, and only the rules that did not
 * pass. A rule of the policy at that version that is not listed passed. This keeps audit events about
 * half the size of the full answer, and the record commits to the exact answer the caller received
 * through {@code response_sha256}. A failing rule is listed with its message (which may name the
 * request's values) but without its remedy, which the bundle revision fixes too.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class DecisionJsonWriter {

    private static final byte[] DECISION_ID = JsonBytes.ascii("{\"decision_id\":");
    private static final byte[] DECISION = JsonBytes.ascii(",\"decision\":");
    private static final byte[] ORGANIZATION_ID = JsonBytes.ascii(",\"organization_id\":");
    private static final byte[] TEAM_ID = JsonBytes.ascii(",\"team_id\":");
    private static final byte[] MODEL_ID = JsonBytes.ascii(",\"model_id\":");
    private static final byte[] POLICY_EVALUATIONS = JsonBytes.ascii(",\"policy_evaluations\":[");
    private static final byte[] CONDITIONS = JsonBytes.ascii(",\"conditions\":");
    private static final byte[] CONSTRAINTS = JsonBytes.ascii(",\"constraints\":");
    private static final byte[] WARNINGS = JsonBytes.ascii(",\"warnings\":");
    private static final byte[] AUDIT_REQUIREMENTS = JsonBytes.ascii(",\"audit_requirements\":");
    private static final byte[] BUNDLE_REVISION = JsonBytes.ascii(",\"bundle_revision\":");
    private static final byte[] BUNDLE_DIGEST = JsonBytes.ascii(",\"bundle_digest\":");
    private static final byte[] NODE_ID = JsonBytes.ascii(",\"node_id\":");
    private static final byte[] EVALUATED_AT = JsonBytes.ascii(",\"evaluated_at\":");
    private static final byte[] EVALUATION_DURATION = JsonBytes.ascii(",\"evaluation_duration\":");
    private static final byte[] EVALUATION_DURATION_MICROS = JsonBytes.ascii(",\"evaluation_duration_micros\":");
    private static final byte[] EXPIRES_AT = JsonBytes.ascii(",\"expires_at\":");
    private static final byte[] POLICY_ID = JsonBytes.ascii("{\"policy_id\":");
    private static final byte[] POLICY_NAME = JsonBytes.ascii(",\"policy_name\":");
    private static final byte[] POLICY_VERSION = JsonBytes.ascii(",\"policy_version\":");
    private static final byte[] TYPE = JsonBytes.ascii(",\"type\":");
    private static final byte[] ENFORCEMENT = JsonBytes.ascii(",\"enforcement\":");
    private static final byte[] REASON = JsonBytes.ascii(",\"reason\":");
    private static final byte[] RULES = JsonBytes.ascii(",\"rules\":");
    private static final byte[] NAME = JsonBytes.ascii("{\"name\":");
    private static final byte[] PASSED = JsonBytes.ascii(",\"passed\":");
    private static final byte[] MESSAGE = JsonBytes.ascii(",\"message\":");
    private static final byte[] REMEDY = JsonBytes.ascii(",\"remedy\":");
    private static final byte[] ERROR = JsonBytes.ascii(",\"error\":");
    private static final byte[] AUDIT_RECORD_DECISION = JsonBytes.ascii("{\"decision\":");
    private static final byte[] RESPONSE_SHA256 = JsonBytes.ascii(",\"response_sha256\":");
    private static final byte[] REQUEST_DIGEST = JsonBytes.ascii(",\"request_digest\":");
    private static final byte[] MODEL_VERSION = JsonBytes.ascii(",\"model_version\":");

    private static final Map<Outcome, byte[]> OUTCOMES = new EnumMap<>(Outcome.class);

    static {
        for (Outcome outcome : Outcome.values()) {
            OUTCOMES.put(outcome, JsonBytes.quoted(outcome.wireName()));
        }
    }

    /** Working buffers grown past this (by an unusually large decision) are dropped rather than kept per thread. */
    private static final int KEPT_BUFFER_LIMIT = 1024 * 1024;

    /**
     * One working buffer per thread (the event loops, in practice), reset before each use and copied out
     * exactly sized: a fresh 24 KB buffer per answer was a quarter of the node's allocation per decision.
     * {@link #response} and {@link #auditRecord} each finish with it before they return.
     */
    private static final ThreadLocal<JsonBytes> BUFFERS = ThreadLocal.withInitial(() -> new JsonBytes(32 * 1024));

    private final ObjectMapper json;

    public DecisionJsonWriter(ObjectMapper json) {
        this.json = json;
    }

    /** The answer the caller receives. */
    public byte[] response(DecisionResponse response) {
        return response(response, List.of());
    }

    /**
     * The answer the caller receives.
     *
     * @param policies the compiled policies the decision was evaluated with, in the order of its policy
     *                 evaluations: the JSON of their constant evaluations is reused rather than written again
     */
    public byte[] response(DecisionResponse response, List<CompiledPolicy> policies) {
        JsonBytes out = emptyBuffer();
        writeDecision(out, response, policies, false);
        return finish(out);
    }

    /**
     * The data of the decision's {@code polity.decision.made} event:
     * {@code {"decision": <the decision without passing rules>, "response_sha256": <SHA-256 of the
     * answer's bytes>, "request_digest": <SHA-256 of the canonical request>, "model_version": ...}}.
     */
    public byte[] auditRecord(DecisionResponse response, List<CompiledPolicy> policies, String responseSha256,
                              String requestDigest, String modelVersion) {
        JsonBytes out = emptyBuffer();
        out.raw(AUDIT_RECORD_DECISION);
        writeDecision(out, response, policies, true);
        out.raw(RESPONSE_SHA256).string(responseSha256);
        out.raw(REQUEST_DIGEST).string(requestDigest);
        if (modelVersion != null) {
            out.raw(MODEL_VERSION).string(modelVersion);
        }
        out.raw('}');
        return finish(out);
    }

    /** This thread's working buffer, emptied (a write that failed half-way may have left bytes in it). */
    private static JsonBytes emptyBuffer() {
        JsonBytes buffer = BUFFERS.get();
        buffer.reset();
        return buffer;
    }

    private static byte[] finish(JsonBytes out) {
        byte[] bytes = out.toByteArray();
        if (bytes.length > KEPT_BUFFER_LIMIT) {
            BUFFERS.remove();
        }
        return bytes;
    }

    private void writeDecision(JsonBytes out, DecisionResponse response, List<CompiledPolicy> policies, boolean auditRecord) {
        out.raw(DECISION_ID).string(response.decisionId());
        out.raw(DECISION);
        writeOutcome(out, response.decision());
        out.raw(ORGANIZATION_ID).string(response.organizationId());
        out.raw(TEAM_ID).string(response.teamId());
        out.raw(MODEL_ID).string(response.modelId());
        out.raw(POLICY_EVALUATIONS);
        List<PolicyEvaluation> evaluations = response.policyEvaluations();
        for (int i = 0; i < evaluations.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            PolicyEvaluation evaluation = evaluations.get(i);
            CompiledPolicy compiled = i < policies.size() ? policies.get(i) : null;
            EncodedPolicy encoded = compiled == null ? null : compiled.constants().memo(() -> encode(compiled));
            byte[] constant = encoded == null ? null : encoded.renderedFor(evaluation, auditRecord);
            EncodedNames names = encoded == null ? null : encoded.names();
            if (constant != null) {
                out.raw(constant);
            } else if (auditRecord) {
                writeAuditedPolicy(out, evaluation, names);
            } else {
                writePolicy(out, evaluation, names);
            }
        }
        out.raw(']');
        out.raw(CONDITIONS);
        writeStrings(out, response.conditions());
        out.raw(CONSTRAINTS);
        writeMap(out, response.constraints());
        out.raw(WARNINGS);
        writeStrings(out, response.warnings());
        if (!auditRecord) {
            out.raw(AUDIT_REQUIREMENTS);
            writeStrings(out, response.auditRequirements());
        }
        out.raw(BUNDLE_REVISION).number(response.bundleRevision());
        out.raw(BUNDLE_DIGEST).string(response.bundleDigest());
        out.raw(NODE_ID).string(response.nodeId());
        out.raw(EVALUATED_AT).string(response.evaluatedAt() == null ? null : response.evaluatedAt().toString());
        out.raw(EVALUATION_DURATION).string(response.evaluationDuration() == null ? null : response.evaluationDuration().toString());
        out.raw(EVALUATION_DURATION_MICROS).number(response.evaluationDurationMicros());
        out.raw(EXPIRES_AT).string(response.expiresAt() == null ? null : response.expiresAt().toString());
        out.raw('}');
    }

    private void writePolicy(JsonBytes out, PolicyEvaluation evaluation, EncodedNames names) {
        out.raw(POLICY_ID);
        write(out, evaluation.policyId(), names == null ? null : names.policyId());
        out.raw(POLICY_NAME);
        write(out, evaluation.policyName(), names == null ? null : names.policyName());
        out.raw(POLICY_VERSION);
        writeNumber(out, evaluation.policyVersion());
        out.raw(TYPE);
        write(out, evaluation.type() == null ? null : evaluation.type().wireName(), names == null ? null : names.type());
        out.raw(ENFORCEMENT);
        write(out, evaluation.enforcement() == null ? null : evaluation.enforcement().wireName(),
                names == null ? null : names.enforcement());
        out.raw(DECISION);
        writeOutcome(out, evaluation.decision());
        out.raw(REASON).string(evaluation.reason());
        out.raw(CONDITIONS);
        writeStrings(out, evaluation.conditions());
        out.raw(CONSTRAINTS);
        writeMap(out, evaluation.constraints());
        out.raw(RULES);
        List<RuleResult> rules = evaluation.rules();
        if (rules == null) {
            out.nullValue();
        } else {
            out.raw('[');
            for (int j = 0; j < rules.size(); j++) {
                if (j > 0) {
                    out.raw(',');
                }
                writeRule(out, rules.get(j), names, j, true);
            }
            out.raw(']');
        }
        out.raw('}');
    }

    /** A policy in the audit record: what the bundle revision does not already say. */
    private void writeAuditedPolicy(JsonBytes out, PolicyEvaluation evaluation, EncodedNames names) {
        out.raw(POLICY_ID);
        write(out, evaluation.policyId(), names == null ? null : names.policyId());
        out.raw(POLICY_VERSION);
        writeNumber(out, evaluation.policyVersion());
        out.raw(DECISION);
        writeOutcome(out, evaluation.decision());
        if (evaluation.decision() == Outcome.NOT_APPLICABLE) {
            out.raw(REASON).string(evaluation.reason());
        }
        if (evaluation.conditions() != null && !evaluation.conditions().isEmpty()) {
            out.raw(CONDITIONS);
            writeStrings(out, evaluation.conditions());
        }
        if (evaluation.constraints() != null && !evaluation.constraints().isEmpty()) {
            out.raw(CONSTRAINTS);
            writeMap(out, evaluation.constraints());
        }
        if (evaluation.rules() != null && evaluation.decision() != Outcome.APPROVED) {
            out.raw(RULES).raw('[');
            List<RuleResult> rules = evaluation.rules();
            boolean first = true;
            for (int j = 0; j < rules.size(); j++) {
                if (!rules.get(j).passed()) {
                    if (!first) {
                        out.raw(',');
                    }
                    first = false;
                    writeRule(out, rules.get(j), names, j, false);
                }
            }
            out.raw(']');
        }
        out.raw('}');
    }

    /**
     * As {@link RuleResult}'s NON_NULL inclusion: a passing rule is its name and {@code "passed": true}. The
     * audit record leaves out the remedy ({@code withRemedy} false): it is the rule's fixed text at that bundle
     * revision, like the rule's name, and was a third of the record's bytes.
     */
    private static void writeRule(JsonBytes out, RuleResult rule, EncodedNames names, int index, boolean withRemedy) {
        boolean known = names != null && index < names.rules().length;
        EncodedRule compiled = known ? names.rules()[index] : null;
        if (compiled != null && compiled.name() == rule.name()) {
            out.raw(compiled.nameAndPassed());
        } else {
            out.raw(NAME).string(rule.name()).raw(PASSED);
        }
        out.bool(rule.passed());
        if (rule.message() != null) {
            out.raw(MESSAGE).string(rule.message());
        }
        if (withRemedy && rule.remedy() != null) {
            out.raw(REMEDY);
            write(out, rule.remedy(), compiled == null ? null : compiled.remedy());
        }
        if (rule.error() != null) {
            out.raw(ERROR).string(rule.error());
        }
        out.raw('}');
    }

    private static void writeOutcome(JsonBytes out, Outcome outcome) {
        if (outcome == null) {
            out.nullValue();
        } else {
            out.raw(OUTCOMES.get(outcome));
        }
    }

    /** {@code value}, from its encoding when {@code encoded} was made from this very string. */
    private static void write(JsonBytes out, String value, Encoded encoded) {
        if (encoded != null && value != null && encoded.value() == value) {
            out.raw(encoded.json());
        } else {
            out.string(value);
        }
    }

    private static void writeNumber(JsonBytes out, Integer value) {
        if (value == null) {
            out.nullValue();
        } else {
            out.number(value);
        }
    }

    private static void writeStrings(JsonBytes out, List<String> values) {
        if (values == null) {
            out.nullValue();
            return;
        }
        out.raw('[');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                out.raw(',');
            }
            out.string(values.get(i));
        }
        out.raw(']');
    }

    /**
     * Constraints: small maps of numbers, booleans and strings from policies. Strings, booleans and integers
     * are written here; any other value (a double, a list) as databind writes it with the application's mapper.
     */
    private void writeMap(JsonBytes out, Map<String, Object> values) {
        if (values == null) {
            out.nullValue();
            return;
        }
        out.raw('{');
        boolean first = true;
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            if (!first) {
                out.raw(',');
            }
            first = false;
            out.string(entry.getKey()).raw(':');
            Object value = entry.getValue();
            switch (value) {
                case null -> out.nullValue();
                case String text -> out.string(text);
                case Boolean flag -> out.bool(flag);
                case Long number -> out.number(number);
                case Integer number -> out.number(number);
                default -> out.raw(databind(value));
            }
        }
        out.raw('}');
    }

    private byte[] databind(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("a decision constraint could not be serialised", e);
        }
    }

    /** A string and its JSON encoding (quoted, escaped), made once. */
    private record Encoded(String value, byte[] json) {

        static Encoded of(String value) {
            return value == null ? null : new Encoded(value, JsonBytes.quoted(value));
        }
    }

    /** A rule's fixed parts: {@code {"name":"<name>","passed":} and its remedy. */
    private record EncodedRule(String name, byte[] nameAndPassed, Encoded remedy) {
    }

    /** A compiled policy's strings, encoded once: id, name, type, enforcement, and its rules' fixed parts by position. */
    private record EncodedNames(Encoded policyId, Encoded policyName, Encoded type, Encoded enforcement, EncodedRule[] rules) {
    }

    /** Both JSON forms of a constant evaluation: in the answer and in the audit record. */
    private record Rendered(byte[] answer, byte[] auditRecord) {
    }

    /**
     * What the writer keeps per compiled policy: its encoded names and both JSON forms of its constant evaluations
     * ({@link ConstantEvaluations}), which are the same objects in every decision.
     */
    private record EncodedPolicy(EncodedNames names, ConstantEvaluations constants, Rendered allPassed,
                                 Rendered notApplicableByMatch, Rendered notApplicableByTeam) {

        /** The JSON of {@code evaluation} when it is one of the constant evaluations; else null. */
        byte[] renderedFor(PolicyEvaluation evaluation, boolean auditRecord) {
            Rendered rendered = null;
            if (evaluation == constants.allPassed()) {
                rendered = allPassed;
            } else if (evaluation == constants.notApplicableByMatch()) {
                rendered = notApplicableByMatch;
            } else if (evaluation != null && evaluation == constants.notApplicableByTeam()) {
                rendered = notApplicableByTeam;
            }
            return rendered == null ? null : auditRecord ? rendered.auditRecord() : rendered.answer();
        }
    }

    private EncodedPolicy encode(CompiledPolicy policy) {
        var document = policy.document();
        List<CompiledPolicy.CompiledRule> compiledRules = policy.rules();
        EncodedRule[] rules = new EncodedRule[compiledRules.size()];
        for (int i = 0; i < rules.length; i++) {
            String name = compiledRules.get(i).rule().name();
            JsonBytes nameAndPassed = new JsonBytes(64);
            nameAndPassed.raw(NAME).string(name).raw(PASSED);
            rules[i] = new EncodedRule(name, nameAndPassed.toByteArray(), Encoded.of(compiledRules.get(i).rule().remedy()));
        }
        EncodedNames names = new EncodedNames(Encoded.of(document.id()), Encoded.of(document.displayName()),
                Encoded.of(document.type() == null ? null : document.type().wireName()),
                Encoded.of(document.enforcement() == null ? null : document.enforcement().wireName()), rules);
        ConstantEvaluations constants = policy.constants();
        return new EncodedPolicy(names, constants, render(constants.allPassed(), names),
                render(constants.notApplicableByMatch(), names),
                constants.notApplicableByTeam() == null ? null : render(constants.notApplicableByTeam(), names));
    }

    private Rendered render(PolicyEvaluation evaluation, EncodedNames names) {
        JsonBytes answer = new JsonBytes(1024);
        writePolicy(answer, evaluation, names);
        JsonBytes audited = new JsonBytes(256);
        writeAuditedPolicy(audited, evaluation, names);
        return new Rendered(answer.toByteArray(), audited.toByteArray());
    }
}
