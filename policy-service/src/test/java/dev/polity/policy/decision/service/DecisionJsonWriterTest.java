package dev.polity.policy.decision.service;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.policy.Enforcement;
import dev.polity.contracts.policy.PolicyType;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.RuleResult;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
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

    @Test
    void auditRecordKeepsEveryPolicyButOnlyTheRulesThatDidNotPass() throws Exception {
        DecisionResponse denied = samples().get(1);
        byte[] answer = writer.response(denied);
        JsonNode record = MAPPER.readTree(writer.auditRecord(denied, Hashes.sha256Hex(answer), "digest", "2.1.0"));

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
        assertThat(deniedRules.get(1).path("error").asText()).startsWith("rule could not be evaluated");
        assertThat(policies.get(2).path("conditions").get(0).asText()).isEqualTo("Implement consent tracking for PII usage");
        assertThat(policies.get(4).path("reason").asText()).isEqualTo("scoped to team 'other'");
        assertThat(record.toString().length()).isLessThan(answer.length);
    }

    @Test
    void auditRecordWithoutModelVersionLeavesItOut() throws Exception {
        DecisionResponse approved = samples().get(0);
        JsonNode record = MAPPER.readTree(writer.auditRecord(approved, "sha", "digest", null));
        assertThat(record.has("model_version")).isFalse();
        assertThat(record.path("decision").path("team_id").asText()).isEqualTo("fraud");
    }
}
