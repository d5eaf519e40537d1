package dev.polity.policy.decision.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.engine.BundleCompiler;
import dev.polity.policy.engine.CelEnvironment;
import dev.polity.policy.engine.CelValues;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.policy.engine.ConstantEvaluations;
import dev.polity.policy.engine.Evaluation;
import dev.polity.policy.engine.PolicyEvaluator;
import dev.polity.policy.library.LibraryFixtures;
import dev.polity.contracts.policy.Enforcement;
import dev.polity.contracts.policy.PolicyType;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.RuleResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming writer must write exactly what databind writes for {@link DecisionResponse}. This
 * test uses a mapper configured as application.properties configures Quarkus' one;
 * {@code DecisionResourceTest#decisionJsonIsWhatDatabindWrites} repeats the comparison with the
 * application's own mapper.
 */
public class DecisionJsonWriterTest {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final DecisionJsonWriter writer = new DecisionJsonWriter(MAPPER);

    /** Every shape a decision takes: each outcome, nulls where they may be, escapes, constraints of each type. */
    public static List<DecisionResponse> samples() {
        Instant at = Instant.parse("2026-11-22T02:03:04.123456789Z");
        PolicyEvaluation approved = new PolicyEvaluation("bias-standard", "Bias within standard thresholds", 3, PolicyType.BIAS,
                Enforcement.BLOCKING, Outcome.APPROVED, "all rules passed", List.of(), Map.of(),
                List.of(new RuleResult("fairness-tested", true, null, null, null),
                        new RuleResult("demographic-parity", true, null, null, null)));
        PolicyEvaluation denied = new PolicyEvaluation("pii-anonymization", "PII \"must\" be anonymised — ünïcode", 1,
                PolicyType.DATA_PRIVACY, Enforcement.BLOCKING, Outcome.DENIED, "PII detected without anonymization; rule 'x' failed",
                List.of(), Map.of(),
                List.of(new RuleResult("anonymised", false, "PII detected without anonymization", "apply k-anonymity\n(k >= 5)", null),
                        new RuleResult("field-present", false, "rule 'field-present' failed", null,
                                "rule could not be evaluated: no such key: training_data"),
                        new RuleResult("ok", true, null, null, null)));
        Map<String, Object> constraints = new LinkedHashMap<>();
        constraints.put("shadow_mode", true);
        constraints.put("max_traffic_percentage", 10);
        constraints.put("error_budget", 0.001);
        constraints.put("region", "eu");
        constraints.put("rate_limit_requests_per_day", 100_000L);
        PolicyEvaluation conditional = new PolicyEvaluation("pii-consent", "Consent tracking", null, PolicyType.DATA_PRIVACY,
                Enforcement.CONDITIONAL, Outcome.CONDITIONAL, "consent not tracked",
                List.of("Implement consent tracking for PII usage"), constraints,
                List.of(new RuleResult("consent-tracked", false, "consent not tracked", null, null)));
        PolicyEvaluation warning = new PolicyEvaluation("usage", "Usage", 1, PolicyType.USAGE, Enforcement.ADVISORY,
                Outcome.WARNING, "too many requests", List.of(), Map.of(),
                List.of(new RuleResult("per-hour", false, "too many requests", null, null)));
        PolicyEvaluation notApplicable = new PolicyEvaluation("team-only", "Team only", 1, PolicyType.CUSTOM,
                Enforcement.BLOCKING, Outcome.NOT_APPLICABLE, "scoped to team 'other'", List.of(), Map.of(), List.of());
        List<DecisionResponse> samples = new ArrayList<>();
        samples.add(new DecisionResponse("d-1", Outcome.APPROVED, "acme", "fraud", "acme/churn", List.of(approved, notApplicable),
                List.of(), Map.of(), List.of(), List.of("decision recorded in the audit log as polity.decision.made"),
                7, "sha256:abc", "node-1", at, Duration.ofNanos(17_900), 17, at.plus(Duration.ofHours(24))));
        samples.add(new DecisionResponse("d-2", Outcome.DENIED, "acme", null, "acme/credit-risk",
                List.of(approved, denied, conditional, warning, notApplicable),
                List.of("Implement consent tracking for PII usage"), constraints, List.of("usage: too many requests"),
                List.of("decision recorded in the audit log as polity.decision.made"), 12, "sha256:def", "node-2", at,
                Duration.ofMillis(2), 2000, at));
        samples.add(new DecisionResponse("d-3", Outcome.CONDITIONAL, "acme", "t", "m", List.of(conditional), List.of("c"),
                Map.of("shadow_mode", true), List.of(), List.of(), 0, null, null, null, null, 0, null));
        return samples;
    }

    @Test
    void writesWhatDatabindWrites() throws Exception {
        for (DecisionResponse sample : samples()) {
            assertThat(new String(writer.response(sample), StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(sample));
        }
    }

    /** Strings from the request (messages, reasons) are escaped exactly as databind escapes them. */
    @Test
    void escapesEveryCharacterAsDatabindDoes() throws Exception {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0x100; c++) {
            every.append(c);
        }
        every.append("\u2014 \u20ac \uffff \ud83d\ude80 end"); // an em dash, the euro sign, U+FFFF, an emoji (a surrogate pair)
        PolicyEvaluation failed = new PolicyEvaluation("p", every.toString(), 1, PolicyType.CUSTOM, Enforcement.BLOCKING,
                Outcome.DENIED, every.toString(), List.of(every.toString()), Map.of(every.toString(), every.toString()),
                List.of(new RuleResult(every.toString(), false, every.toString(), every.toString(), every.toString())));
        DecisionResponse response = new DecisionResponse(every.toString(), Outcome.DENIED, "acme", every.toString(), "m",
                List.of(failed), List.of(every.toString()), Map.of(), List.of(), List.of(), Long.MIN_VALUE + 1, null, null,
                null, null, -42, null);
        assertThat(new String(writer.response(response), StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(response));
    }

    /** A lone surrogate (a malformed string) is written as U+FFFD instead of failing the decision, as databind would. */
    @Test
    void writesALoneSurrogateAsTheReplacementCharacter() throws Exception {
        DecisionResponse response = new DecisionResponse("d", Outcome.APPROVED, "acme", "broken \ud800 end", "m", List.of(),
                List.of(), Map.of(), List.of(), List.of(), 1, null, null, null, null, 0, null);
        assertThat(MAPPER.readTree(writer.response(response)).path("team_id").asText()).isEqualTo("broken \ufffd end");
    }

    /**
     * The whole standard library against its example request and variants that fail or skip policies: the
     * constant evaluations (all passed, not applicable) come out of their cached JSON, the rest is written,
     * and both forms equal what is written without the cache (and, for the answer, what databind writes).
     */
    @Test
    void answersWrittenOneAfterAnotherOnOneThreadShareNoBytes() throws Exception {
        // The writer reuses one working buffer per thread: a long answer, an audit record, then a short answer.
        DecisionResponse longest = samples().get(1);
        DecisionResponse shortest = samples().get(2);
        byte[] first = writer.response(longest);
        byte[] record = writer.auditRecord(longest, List.of(), "sha", "digest", null);
        byte[] second = writer.response(shortest);
        assertThat(new String(first, StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(longest));
        assertThat(new String(second, StandardCharsets.UTF_8)).isEqualTo(MAPPER.writeValueAsString(shortest));
        assertThat(MAPPER.readTree(record).path("decision").path("decision_id").asText()).isEqualTo("d-2");
        assertThat(writer.response(longest)).isEqualTo(first).isNotSameAs(first);
    }

    @Test
    void reusedJsonOfConstantEvaluationsIsTheSameJson() throws Exception {
        KeyPair keys = Ed25519.generateKeyPair();
        SignedBundle signed = Bundles.sign("acme", 1, Instant.now(), StandardLibrary.loadAll(), keys.getPrivate(), keys.getPublic());
        CompiledBundle bundle = new BundleCompiler(new CelEnvironment()).compile(signed, Instant.now());
        Map<String, Object> example = StandardLibrary.exampleRequest();
        List<Map<String, Object>> requests = List.of(example,
                LibraryFixtures.merge(example, Map.of("model_metadata", Map.of("fairness_metrics", Map.of("demographic_parity", 0.3)))),
                LibraryFixtures.merge(example, Map.of("model_metadata", Map.of("training_data", Map.of("contains_pii", true,
                        "anonymization_method", "none", "consent_tracked", false)))),
                LibraryFixtures.merge(example, Map.of("deployment_context", Map.of("environment", "staging"))));
        PolicyEvaluator evaluator = new PolicyEvaluator();
        int constants = 0;
        for (Map<String, Object> wire : requests) {
            Map<String, Object> cel = new LinkedHashMap<>();
            cel.put("now", Instant.now().toString());
            cel.put("organization_region", "eu");
            cel.put("model_id", wire.get("model_id"));
            cel.put("organization_id", "acme");
            cel.put("team_id", wire.get("team_id"));
            cel.put("model", wire.get("model_metadata"));
            cel.put("deployment", wire.get("deployment_context"));
            cel.put("requested_permissions", wire.get("requested_permissions"));
            Evaluation evaluation = evaluator.evaluate(bundle, CelValues.fromJsonObject(cel), (String) wire.get("team_id"));
            for (int i = 0; i < evaluation.policyEvaluations().size(); i++) {
                ConstantEvaluations policyConstants = bundle.policies().get(i).constants();
                PolicyEvaluation result = evaluation.policyEvaluations().get(i);
                if (result == policyConstants.allPassed() || result == policyConstants.notApplicableByMatch()
                        || result == policyConstants.notApplicableByTeam()) {
                    constants++;
                }
            }
            DecisionResponse response = new DecisionResponse("d", evaluation.decision(), "acme", (String) wire.get("team_id"), "m",
                    evaluation.policyEvaluations(), evaluation.conditions(), evaluation.constraints(), evaluation.warnings(),
                    List.of("recorded"), evaluation.bundleRevision(), evaluation.bundleDigest(), "node", Instant.now(),
                    Duration.ofNanos(1234), 1, Instant.now());
            for (int round = 0; round < 2; round++) { // the second round reads the cached renderings
                assertThat(new String(writer.response(response, bundle.policies()), StandardCharsets.UTF_8))
                        .isEqualTo(MAPPER.writeValueAsString(response));
                assertThat(new String(writer.auditRecord(response, bundle.policies(), "sha", "digest", "1"), StandardCharsets.UTF_8))
                        .isEqualTo(new String(writer.auditRecord(response, List.of(), "sha", "digest", "1"), StandardCharsets.UTF_8));
            }
        }
        assertThat(constants).as("constant evaluations were exercised").isGreaterThan(20);
    }

    @Test
    void auditRecordKeepsEveryPolicyButOnlyTheRulesThatDidNotPass() throws Exception {
        DecisionResponse denied = samples().get(1);
        byte[] answer = writer.response(denied);
        JsonNode record = MAPPER.readTree(writer.auditRecord(denied, List.of(), Hashes.sha256Hex(answer), "digest", "2.1.0"));

        assertThat(record.path("response_sha256").asText()).isEqualTo(Hashes.sha256Hex(answer));
        assertThat(record.path("request_digest").asText()).isEqualTo("digest");
        assertThat(record.path("model_version").asText()).isEqualTo("2.1.0");
        JsonNode decision = record.path("decision");
        assertThat(decision.path("decision").asText()).isEqualTo("denied");
        assertThat(decision.path("decision_id").asText()).isEqualTo("d-2");
        assertThat(decision.path("bundle_revision").asLong()).isEqualTo(12);
        assertThat(decision.path("constraints").path("max_traffic_percentage").asInt()).isEqualTo(10);
        JsonNode policies = decision.path("policy_evaluations");
        assertThat(policies).hasSize(5);
        assertThat(policies.get(0).path("decision").asText()).isEqualTo("approved");
        assertThat(policies.get(0).has("rules")).as("an approved policy's rules all passed").isFalse();
        JsonNode deniedRules = policies.get(1).path("rules");
        assertThat(deniedRules).hasSize(2);
        assertThat(deniedRules.get(0).path("message").asText()).isEqualTo("PII detected without anonymization");
        assertThat(deniedRules.get(0).has("remedy")).as("the remedy is fixed by the bundle revision").isFalse();
        assertThat(new String(answer, StandardCharsets.UTF_8)).contains("\"remedy\":\"apply k-anonymity\\n(k >= 5)\"");
        assertThat(deniedRules.get(1).path("error").asText()).startsWith("rule could not be evaluated");
        assertThat(policies.get(2).path("conditions").get(0).asText()).isEqualTo("Implement consent tracking for PII usage");
        assertThat(policies.get(4).path("reason").asText()).isEqualTo("scoped to team 'other'");
        assertThat(record.toString().length()).isLessThan(answer.length);
    }

    @Test
    void auditRecordWithoutModelVersionLeavesItOut() throws Exception {
        DecisionResponse approved = samples().get(0);
        JsonNode record = MAPPER.readTree(writer.auditRecord(approved, List.of(), "sha", "digest", null));
        assertThat(record.has("model_version")).isFalse();
        assertThat(record.path("decision").path("team_id").asText()).isEqualTo("fraud");
    }
}
