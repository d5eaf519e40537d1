package dev.polity.policy.decision.service;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.engine.CompiledPolicy;
import dev.polity.policy.engine.ConstantEvaluations;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.RuleResult;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Writes a decision as JSON with Jackson's streaming generator: the same JSON as databind would
 * write for {@link DecisionResponse} (field for field, in the same order; {@code DecisionJsonWriterTest}
 * and {@code DecisionResourceTest} compare the two), at a fraction of the cost.
 *
 * <p>Why not databind: a decision of the standard library lists 32 policies and about 90 rules, and
 * databind spent most of its time in reflective record accessors and in encoding, character by
 * character, the same policy ids, names and rule names on every decision. Here the field names are
 * encoded once per process, the strings that come from a compiled policy (id, name, type, enforcement,
 * rule names and remedies) once per compiled policy ({@link EncodedNames}), and the whole JSON of a
 * policy's constant evaluations (all passed, not applicable) once per compiled policy too.
 *
 * <p>It also writes the decision's audit record, which is the decision without what the bundle
 * revision already fixes: each policy by id, version and outcome, and only the rules that did not
 * pass. A rule of the policy at that version that is not listed passed. This keeps audit events a
 * few kilobytes instead of the 20+ kilobytes of a full answer, and the record commits to the exact
 * answer the caller received through {@code response_sha256}. A failing rule is listed with its message
 * (which may name the request's values) but without its remedy, which the bundle revision fixes too.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class DecisionJsonWriter {

    private static final SerializedString DECISION_ID = new SerializedString("decision_id");
    private static final SerializedString DECISION = new SerializedString("decision");
    private static final SerializedString ORGANIZATION_ID = new SerializedString("organization_id");
    private static final SerializedString TEAM_ID = new SerializedString("team_id");
    private static final SerializedString MODEL_ID = new SerializedString("model_id");
    private static final SerializedString POLICY_EVALUATIONS = new SerializedString("policy_evaluations");
    private static final SerializedString CONDITIONS = new SerializedString("conditions");
    private static final SerializedString CONSTRAINTS = new SerializedString("constraints");
    private static final SerializedString WARNINGS = new SerializedString("warnings");
    private static final SerializedString AUDIT_REQUIREMENTS = new SerializedString("audit_requirements");
    private static final SerializedString BUNDLE_REVISION = new SerializedString("bundle_revision");
    private static final SerializedString BUNDLE_DIGEST = new SerializedString("bundle_digest");
    private static final SerializedString NODE_ID = new SerializedString("node_id");
    private static final SerializedString EVALUATED_AT = new SerializedString("evaluated_at");
    private static final SerializedString EVALUATION_DURATION = new SerializedString("evaluation_duration");
    private static final SerializedString EVALUATION_DURATION_MICROS = new SerializedString("evaluation_duration_micros");
    private static final SerializedString EXPIRES_AT = new SerializedString("expires_at");
    private static final SerializedString POLICY_ID = new SerializedString("policy_id");
    private static final SerializedString POLICY_NAME = new SerializedString("policy_name");
    private static final SerializedString POLICY_VERSION = new SerializedString("policy_version");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString ENFORCEMENT = new SerializedString("enforcement");
    private static final SerializedString REASON = new SerializedString("reason");
    private static final SerializedString RULES = new SerializedString("rules");
    private static final SerializedString NAME = new SerializedString("name");
    private static final SerializedString PASSED = new SerializedString("passed");
    private static final SerializedString MESSAGE = new SerializedString("message");
    private static final SerializedString REMEDY = new SerializedString("remedy");
    private static final SerializedString ERROR = new SerializedString("error");
    private static final SerializedString RESPONSE_SHA256 = new SerializedString("response_sha256");
    private static final SerializedString REQUEST_DIGEST = new SerializedString("request_digest");
    private static final SerializedString MODEL_VERSION = new SerializedString("model_version");

    private static final Map<Outcome, SerializedString> OUTCOMES = new EnumMap<>(Outcome.class);

    static {
        for (Outcome outcome : Outcome.values()) {
            OUTCOMES.put(outcome, new SerializedString(outcome.wireName()));
        }
    }

    /**
     * One working buffer per thread (the event loops, in practice), reset before each use and copied out
     * exactly sized: a fresh 24 KB buffer per answer was a quarter of the node's allocation per decision.
     * {@link #response} and {@link #auditRecord} each finish with it before they return.
     */
    private static final ThreadLocal<ByteArrayBuilder> BUFFERS = ThreadLocal.withInitial(() -> new ByteArrayBuilder(32 * 1024));

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
        ByteArrayBuilder out = emptyBuffer();
        try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
            writeDecision(generator, response, policies, false);
        } catch (IOException e) {
            throw new UncheckedIOException("a decision could not be serialised", e);
        }
        return out.toByteArray();
    }

    /**
     * The data of the decision's {@code polity.decision.made} event:
     * {@code {"decision": <the decision without passing rules>, "response_sha256": <SHA-256 of the
     * answer's bytes>, "request_digest": <SHA-256 of the canonical request>, "model_version": ...}}.
     */
    public byte[] auditRecord(DecisionResponse response, List<CompiledPolicy> policies, String responseSha256,
                              String requestDigest, String modelVersion) {
        ByteArrayBuilder out = emptyBuffer();
        try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
            generator.writeStartObject();
            generator.writeFieldName(DECISION);
            writeDecision(generator, response, policies, true);
            generator.writeFieldName(RESPONSE_SHA256);
            generator.writeString(responseSha256);
            generator.writeFieldName(REQUEST_DIGEST);
            generator.writeString(requestDigest);
            if (modelVersion != null) {
                generator.writeFieldName(MODEL_VERSION);
                generator.writeString(modelVersion);
            }
            generator.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a decision's audit record could not be serialised", e);
        }
        return out.toByteArray();
    }

    /** This thread's working buffer, emptied (a write that failed half-way may have left bytes in it). */
    private static ByteArrayBuilder emptyBuffer() {
        ByteArrayBuilder buffer = BUFFERS.get();
        buffer.reset();
        return buffer;
    }

    private void writeDecision(JsonGenerator generator, DecisionResponse response, List<CompiledPolicy> policies,
                               boolean auditRecord) throws IOException {
        generator.writeStartObject();
        generator.writeFieldName(DECISION_ID);
        generator.writeString(response.decisionId());
        generator.writeFieldName(DECISION);
        writeOutcome(generator, response.decision());
        generator.writeFieldName(ORGANIZATION_ID);
        writeNullable(generator, response.organizationId());
        generator.writeFieldName(TEAM_ID);
        writeNullable(generator, response.teamId());
        generator.writeFieldName(MODEL_ID);
        generator.writeString(response.modelId());
        generator.writeFieldName(POLICY_EVALUATIONS);
        generator.writeStartArray();
        List<PolicyEvaluation> evaluations = response.policyEvaluations();
        for (int i = 0; i < evaluations.size(); i++) {
            PolicyEvaluation evaluation = evaluations.get(i);
            CompiledPolicy compiled = i < policies.size() ? policies.get(i) : null;
            PolicyJson policyJson = compiled == null ? null : compiled.constants().memo(() -> policyJson(compiled));
            Rendered constant = policyJson == null ? null : policyJson.renderedFor(evaluation);
            EncodedNames names = policyJson == null ? null : policyJson.names();
            if (constant != null) {
                generator.writeRawValue(auditRecord ? constant.auditRecord() : constant.response());
            } else if (auditRecord) {
                writeAuditedPolicy(generator, evaluation, names);
            } else {
                writePolicy(generator, evaluation, names);
            }
        }
        generator.writeEndArray();
        generator.writeFieldName(CONDITIONS);
        writeStrings(generator, response.conditions());
        generator.writeFieldName(CONSTRAINTS);
        writeMap(generator, response.constraints());
        generator.writeFieldName(WARNINGS);
        writeStrings(generator, response.warnings());
        if (!auditRecord) {
            generator.writeFieldName(AUDIT_REQUIREMENTS);
            writeStrings(generator, response.auditRequirements());
        }
        generator.writeFieldName(BUNDLE_REVISION);
        generator.writeNumber(response.bundleRevision());
        generator.writeFieldName(BUNDLE_DIGEST);
        writeNullable(generator, response.bundleDigest());
        generator.writeFieldName(NODE_ID);
        writeNullable(generator, response.nodeId());
        generator.writeFieldName(EVALUATED_AT);
        writeNullable(generator, response.evaluatedAt() == null ? null : response.evaluatedAt().toString());
        generator.writeFieldName(EVALUATION_DURATION);
        writeNullable(generator, response.evaluationDuration() == null ? null : response.evaluationDuration().toString());
        generator.writeFieldName(EVALUATION_DURATION_MICROS);
        generator.writeNumber(response.evaluationDurationMicros());
        generator.writeFieldName(EXPIRES_AT);
        writeNullable(generator, response.expiresAt() == null ? null : response.expiresAt().toString());
        generator.writeEndObject();
    }

    private void writePolicy(JsonGenerator generator, PolicyEvaluation evaluation, EncodedNames names) throws IOException {
        generator.writeStartObject();
        generator.writeFieldName(POLICY_ID);
        write(generator, evaluation.policyId(), names == null ? null : names.policyId());
        generator.writeFieldName(POLICY_NAME);
        write(generator, evaluation.policyName(), names == null ? null : names.policyName());
        generator.writeFieldName(POLICY_VERSION);
        writeNumber(generator, evaluation.policyVersion());
        generator.writeFieldName(TYPE);
        write(generator, evaluation.type() == null ? null : evaluation.type().wireName(), names == null ? null : names.type());
        generator.writeFieldName(ENFORCEMENT);
        write(generator, evaluation.enforcement() == null ? null : evaluation.enforcement().wireName(),
                names == null ? null : names.enforcement());
        generator.writeFieldName(DECISION);
        writeOutcome(generator, evaluation.decision());
        generator.writeFieldName(REASON);
        writeNullable(generator, evaluation.reason());
        generator.writeFieldName(CONDITIONS);
        writeStrings(generator, evaluation.conditions());
        generator.writeFieldName(CONSTRAINTS);
        writeMap(generator, evaluation.constraints());
        generator.writeFieldName(RULES);
        if (evaluation.rules() == null) {
            generator.writeNull();
        } else {
            generator.writeStartArray();
            List<RuleResult> rules = evaluation.rules();
            for (int j = 0; j < rules.size(); j++) {
                writeRule(generator, rules.get(j), names, j, true);
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
    }

    /** A policy in the audit record: what the bundle revision does not already say. */
    private void writeAuditedPolicy(JsonGenerator generator, PolicyEvaluation evaluation, EncodedNames names) throws IOException {
        generator.writeStartObject();
        generator.writeFieldName(POLICY_ID);
        write(generator, evaluation.policyId(), names == null ? null : names.policyId());
        generator.writeFieldName(POLICY_VERSION);
        writeNumber(generator, evaluation.policyVersion());
        generator.writeFieldName(DECISION);
        writeOutcome(generator, evaluation.decision());
        if (evaluation.decision() == Outcome.NOT_APPLICABLE) {
            generator.writeFieldName(REASON);
            writeNullable(generator, evaluation.reason());
        }
        if (evaluation.conditions() != null && !evaluation.conditions().isEmpty()) {
            generator.writeFieldName(CONDITIONS);
            writeStrings(generator, evaluation.conditions());
        }
        if (evaluation.constraints() != null && !evaluation.constraints().isEmpty()) {
            generator.writeFieldName(CONSTRAINTS);
            writeMap(generator, evaluation.constraints());
        }
        if (evaluation.rules() != null && evaluation.decision() != Outcome.APPROVED) {
            generator.writeFieldName(RULES);
            generator.writeStartArray();
            List<RuleResult> rules = evaluation.rules();
            for (int j = 0; j < rules.size(); j++) {
                if (!rules.get(j).passed()) {
                    writeRule(generator, rules.get(j), names, j, false);
                }
            }
            generator.writeEndArray();
        }
        generator.writeEndObject();
    }

    /** Both JSON forms of a constant policy evaluation, encoded once. */
    private record Rendered(SerializedString response, SerializedString auditRecord) {
    }

    /**
     * What the writer keeps per compiled policy: its encoded names and both JSON forms of its constant
     * evaluations ({@link ConstantEvaluations}), which are the same objects in every decision.
     */
    private record PolicyJson(EncodedNames names, ConstantEvaluations constants, Rendered allPassed,
                              Rendered notApplicableByMatch, Rendered notApplicableByTeam) {

        /** The rendering of {@code evaluation} when it is one of the constant evaluations; else null. */
        Rendered renderedFor(PolicyEvaluation evaluation) {
            if (evaluation == constants.allPassed()) {
                return allPassed;
            }
            if (evaluation == constants.notApplicableByMatch()) {
                return notApplicableByMatch;
            }
            return evaluation != null && evaluation == constants.notApplicableByTeam() ? notApplicableByTeam : null;
        }
    }

    private PolicyJson policyJson(CompiledPolicy policy) {
        EncodedNames names = EncodedNames.of(policy);
        ConstantEvaluations constants = policy.constants();
        return new PolicyJson(names, constants, render(constants.allPassed(), names), render(constants.notApplicableByMatch(), names),
                constants.notApplicableByTeam() == null ? null : render(constants.notApplicableByTeam(), names));
    }

    private Rendered render(PolicyEvaluation evaluation, EncodedNames names) {
        return new Rendered(renderOne(evaluation, names, false), renderOne(evaluation, names, true));
    }

    private SerializedString renderOne(PolicyEvaluation evaluation, EncodedNames names, boolean auditRecord) {
        ByteArrayBuilder out = new ByteArrayBuilder(1024);
        try (JsonGenerator generator = json.getFactory().createGenerator(out)) {
            if (auditRecord) {
                writeAuditedPolicy(generator, evaluation, names);
            } else {
                writePolicy(generator, evaluation, names);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("a policy evaluation could not be serialised", e);
        }
        // Raw JSON text: written as is with writeRawValue.
        return new SerializedString(new String(out.toByteArray(), StandardCharsets.UTF_8));
    }

    /**
     * As {@link RuleResult}'s NON_NULL inclusion: a passing rule is its name and {@code "passed": true}. The
     * audit record leaves out the remedy ({@code withRemedy} false): it is the rule's fixed text at that bundle
     * revision, like the rule's name, and was a third of the record's bytes.
     */
    private void writeRule(JsonGenerator generator, RuleResult rule, EncodedNames names, int index, boolean withRemedy)
            throws IOException {
        boolean known = names != null && index < names.ruleNames().length;
        generator.writeStartObject();
        generator.writeFieldName(NAME);
        write(generator, rule.name(), known ? names.ruleNames()[index] : null);
        generator.writeFieldName(PASSED);
        generator.writeBoolean(rule.passed());
        if (rule.message() != null) {
            generator.writeFieldName(MESSAGE);
            generator.writeString(rule.message());
        }
        if (withRemedy && rule.remedy() != null) {
            generator.writeFieldName(REMEDY);
            write(generator, rule.remedy(), known ? names.remedies()[index] : null);
        }
        if (rule.error() != null) {
            generator.writeFieldName(ERROR);
            generator.writeString(rule.error());
        }
        generator.writeEndObject();
    }

    private static void writeOutcome(JsonGenerator generator, Outcome outcome) throws IOException {
        if (outcome == null) {
            generator.writeNull();
        } else {
            generator.writeString(OUTCOMES.get(outcome));
        }
    }

    /** {@code value}, from its encoding when {@code encoded} was made from this very string. */
    private static void write(JsonGenerator generator, String value, SerializedString encoded) throws IOException {
        if (encoded != null && value != null && encoded.getValue() == value) {
            generator.writeString(encoded);
        } else {
            writeNullable(generator, value);
        }
    }

    /** A compiled policy's strings, JSON-encoded once; rule names and remedies by rule position. */
    private record EncodedNames(SerializedString policyId, SerializedString policyName, SerializedString type,
                                SerializedString enforcement, SerializedString[] ruleNames, SerializedString[] remedies) {

        static EncodedNames of(CompiledPolicy policy) {
            var document = policy.document();
            List<CompiledPolicy.CompiledRule> rules = policy.rules();
            SerializedString[] ruleNames = new SerializedString[rules.size()];
            SerializedString[] remedies = new SerializedString[rules.size()];
            for (int i = 0; i < rules.size(); i++) {
                ruleNames[i] = encode(rules.get(i).rule().name());
                remedies[i] = encode(rules.get(i).rule().remedy());
            }
            return new EncodedNames(encode(document.id()), encode(document.displayName()),
                    encode(document.type() == null ? null : document.type().wireName()),
                    encode(document.enforcement() == null ? null : document.enforcement().wireName()), ruleNames, remedies);
        }

        private static SerializedString encode(String value) {
            return value == null ? null : new SerializedString(value);
        }
    }

    private static void writeNullable(JsonGenerator generator, String value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeString(value);
        }
    }

    private static void writeNumber(JsonGenerator generator, Integer value) throws IOException {
        if (value == null) {
            generator.writeNull();
        } else {
            generator.writeNumber(value);
        }
    }

    private static void writeStrings(JsonGenerator generator, List<String> values) throws IOException {
        if (values == null) {
            generator.writeNull();
            return;
        }
        generator.writeStartArray();
        for (String value : values) {
            writeNullable(generator, value);
        }
        generator.writeEndArray();
    }

    /** Constraints are small maps of numbers, booleans and strings from policies; databind writes their values. */
    private void writeMap(JsonGenerator generator, Map<String, Object> values) throws IOException {
        if (values == null) {
            generator.writeNull();
            return;
        }
        generator.writeStartObject();
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            generator.writeFieldName(entry.getKey());
            json.writeValue(generator, entry.getValue());
        }
        generator.writeEndObject();
    }
}
