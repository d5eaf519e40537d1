package dev.polity.policy.engine;

import dev.polity.contracts.bundle.BundleVerificationException;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PolicyEvaluatorTest {

    static final String PII_ANONYMIZATION = """
            id: pii-anonymization
            name: PII must be anonymised
            scope: { level: global }
            type: data_privacy
            enforcement: blocking
            rules:
              - name: pii-anonymized
                expression: >-
                  !request.model.training_data.contains_pii
                  || (has(request.model.training_data.anonymization_method)
                      && request.model.training_data.anonymization_method in ["k-anonymity", "differential-privacy", "pseudonymization"])
                message: PII detected without anonymization
                remedy: Anonymise the training data (k-anonymity, differential privacy) and register a new version
            """;

    static final String PII_CONSENT = """
            id: pii-consent
            scope: { level: global }
            type: data_privacy
            enforcement: conditional
            conditions: [Implement consent tracking for PII usage]
            constraints: { consent_tracking_required: true, max_traffic_percentage: 25 }
            rules:
              - name: consent-tracked
                expression: '!request.model.training_data.contains_pii || request.model.training_data.consent_tracked == true'
                message: PII used without consent tracking
            """;

    static final String BIAS = """
            id: bias-threshold
            scope: { level: global }
            type: bias
            enforcement: blocking
            match: request.deployment.environment == "production"
            params: { max_demographic_parity: 0.10 }
            rules:
              - name: fairness-tested
                expression: has(request.model.fairness_metrics) && size(request.model.fairness_metrics) > 0
                message: No bias testing performed
              - name: demographic-parity
                expression: abs(request.model.fairness_metrics.demographic_parity) <= params.max_demographic_parity
                messageExpression: '"demographic_parity " + string(request.model.fairness_metrics.demographic_parity) + " > " + string(params.max_demographic_parity)'
            """;

    static final String TEAM_ADVISORY = """
            id: vision-model-card
            scope: { level: team, organization: acme, team: vision }
            type: compliance
            enforcement: advisory
            rules:
              - name: has-model-card
                expression: has(request.model.model_card)
                message: No model card
            """;

    private final BundleCompiler compiler = new BundleCompiler(new CelEnvironment());
    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    private CompiledBundle bundle(String... yaml) {
        KeyPair keys = Ed25519.generateKeyPair();
        List<PolicyDocument> policies = java.util.Arrays.stream(yaml).map(PolicyDocuments::parse).toList();
        return compiler.compile(Bundles.sign("acme", 1, Instant.now(), policies, keys.getPrivate(), keys.getPublic()), Instant.now());
    }

    private static Map<String, Object> request(Map<String, Object> trainingData, Map<String, Object> extraModel, String environment) {
        Map<String, Object> model = new java.util.HashMap<>(extraModel);
        model.put("training_data", trainingData);
        return CelValues.fromJsonObject(Map.of("model", model, "deployment", Map.of("environment", environment)));
    }

    @Test
    void deniesPiiWithoutAnonymization() {
        Evaluation evaluation = evaluator.evaluate(bundle(PII_ANONYMIZATION),
                request(Map.of("contains_pii", true), Map.of(), "staging"), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.DENIED);
        PolicyEvaluation policy = evaluation.policyEvaluations().get(0);
        assertThat(policy.reason()).isEqualTo("PII detected without anonymization");
        assertThat(policy.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.passed()).isFalse();
            assertThat(rule.remedy()).startsWith("Anonymise");
        });
    }

    @Test
    void approvesPiiWithKAnonymity() {
        Evaluation evaluation = evaluator.evaluate(bundle(PII_ANONYMIZATION),
                request(Map.of("contains_pii", true, "anonymization_method", "k-anonymity"), Map.of(), "staging"), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.APPROVED);
        assertThat(evaluation.policyEvaluations().get(0).rules().get(0).passed()).isTrue();
    }

    @Test
    void makesPiiWithoutConsentConditionalWithConstraints() {
        Evaluation evaluation = evaluator.evaluate(bundle(PII_ANONYMIZATION, PII_CONSENT),
                request(Map.of("contains_pii", true, "anonymization_method", "k-anonymity"), Map.of(), "staging"), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.CONDITIONAL);
        assertThat(evaluation.conditions()).containsExactly("Implement consent tracking for PII usage");
        assertThat(evaluation.constraints()).containsEntry("consent_tracking_required", true).containsEntry("max_traffic_percentage", 25);
    }

    @Test
    void deniesProductionWhenParityExceedsThresholdNamingValueAndThreshold() {
        Evaluation evaluation = evaluator.evaluate(bundle(BIAS),
                request(Map.of(), Map.of("fairness_metrics", Map.of("demographic_parity", -0.14)), "production"), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.DENIED);
        assertThat(evaluation.policyEvaluations().get(0).reason()).isEqualTo("demographic_parity -0.14 > 0.1");
    }

    @Test
    void approvesIntegerParityUnderTheThreshold() {
        Evaluation evaluation = evaluator.evaluate(bundle(BIAS),
                request(Map.of(), Map.of("fairness_metrics", Map.of("demographic_parity", 0)), "production"), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.APPROVED);
    }

    @Test
    void skipsAPolicyWhoseMatchGuardIsFalse() {
        Evaluation evaluation = evaluator.evaluate(bundle(BIAS), request(Map.of(), Map.of(), "staging"), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.APPROVED);
        assertThat(evaluation.policyEvaluations().get(0).decision()).isEqualTo(Outcome.NOT_APPLICABLE);
    }

    @Test
    void failsClosedWhenARuleReadsAMissingField() {
        Evaluation evaluation = evaluator.evaluate(bundle(PII_ANONYMIZATION),
                CelValues.fromJsonObject(Map.of("model", Map.of("name", "no training data given"))), null);
        assertThat(evaluation.decision()).isEqualTo(Outcome.DENIED);
        assertThat(evaluation.policyEvaluations().get(0).rules().get(0).error()).contains("could not be evaluated");
    }

    @Test
    void appliesTeamPoliciesOnlyToThatTeamAndOnlyWarnsForAdvisory() {
        CompiledBundle bundle = bundle(TEAM_ADVISORY);
        Evaluation vision = evaluator.evaluate(bundle, request(Map.of(), Map.of(), "staging"), "vision");
        assertThat(vision.decision()).isEqualTo(Outcome.APPROVED);
        assertThat(vision.warnings()).containsExactly("vision-model-card: No model card");
        Evaluation fraud = evaluator.evaluate(bundle, request(Map.of(), Map.of(), "staging"), "fraud");
        assertThat(fraud.warnings()).isEmpty();
        assertThat(fraud.policyEvaluations().get(0).decision()).isEqualTo(Outcome.NOT_APPLICABLE);
    }

    @Test
    void rejectsABundleWhoseRuleDoesNotCompile() {
        assertThatThrownBy(() -> bundle(PII_ANONYMIZATION.replace("!request.model", "!!(request.model")))
                .isInstanceOf(BundleVerificationException.class)
                .hasMessageContaining("'pii-anonymization' rules[0].expression does not compile");
    }

    @Test
    void rejectsARuleThatIsNotBoolean() {
        assertThatThrownBy(() -> bundle(TEAM_ADVISORY.replace("expression: has(request.model.model_card)", "expression: \"'text'\"")))
                .isInstanceOf(BundleVerificationException.class)
                .hasMessageContaining("must evaluate to bool");
    }

    @Test
    void keepsTheStricterOfTwoConstraints() {
        assertThat(PolicyEvaluator.stricter(25L, 10L)).isEqualTo(10L);
        assertThat(PolicyEvaluator.stricter(false, true)).isEqualTo(true);
    }
}
