package dev.polity.policy.library;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.engine.CompiledPolicy;
import dev.polity.policy.engine.Evaluation;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.PolicyEvaluator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StandardLibraryTest {

    private final PolicyEvaluator evaluator = new PolicyEvaluator();

    @Test
    void everyLibraryPolicyCompilesInTheNodesCelEnvironment() {
        for (StandardLibrary.Entry entry : StandardLibrary.entries()) {
            PolicyDocument policy = StandardLibrary.load(entry.id());
            assertThat(policy.id()).isEqualTo(entry.id());
            assertThat(entry.file()).isEqualTo(entry.family() + "/" + entry.id() + ".yaml");
            CompiledPolicy compiled = LibraryFixtures.bundle(List.of(policy)).policies().get(0);
            assertThat(compiled.rules()).hasSameSizeAs(policy.rules());
        }
    }

    @Test
    void hasAboutThirtyPoliciesAndAHundredRules() {
        List<PolicyDocument> all = StandardLibrary.loadAll();
        int rules = all.stream().mapToInt(p -> p.rules().size()).sum();
        assertThat(all).hasSizeGreaterThanOrEqualTo(30);
        assertThat(rules).isGreaterThanOrEqualTo(90);
    }

    @Test
    void everyPolicyHasAnAllowedAndARefusedCase() {
        for (StandardLibrary.Entry entry : StandardLibrary.entries()) {
            LibraryFixtures.Fixture fixture = LibraryFixtures.fixture(entry.id());
            assertThat(fixture.policy()).isEqualTo(entry.id());
            assertThat(fixture.allowed()).as("allowed cases of %s", entry.id()).isNotEmpty();
            assertThat(fixture.refused()).as("refused cases of %s", entry.id()).isNotEmpty();
        }
    }

    @Test
    void approvesTheExampleRequestForProductionWithTheWholeLibrary() {
        Evaluation evaluation = evaluator.evaluate(LibraryFixtures.bundle(StandardLibrary.loadAll()),
                LibraryFixtures.celRequest(Map.of()), "growth");
        assertApprovedWithoutErrors(evaluation);
        assertThat(outcomes(evaluation, Outcome.NOT_APPLICABLE)).containsExactly("performance-staging-gate");
    }

    @Test
    void approvesTheExampleRequestForStagingWithTheWholeLibrary() {
        Evaluation evaluation = evaluator.evaluate(LibraryFixtures.bundle(StandardLibrary.loadAll()),
                LibraryFixtures.celRequest(Map.of("deployment", Map.of("environment", "staging"))), "growth");
        assertApprovedWithoutErrors(evaluation);
        assertThat(outcomes(evaluation, Outcome.NOT_APPLICABLE)).containsExactlyInAnyOrder(
                "bias-flexible", "performance-production-gate", "production-approvals", "production-model-card",
                "production-staging-soak");
    }

    @Test
    void deniesARequestThatBreaksSeveralFamiliesNamingEachPolicy() {
        Evaluation evaluation = evaluator.evaluate(LibraryFixtures.bundle(StandardLibrary.subscription("standard", List.of("gdpr"))),
                LibraryFixtures.celRequest(Map.of(
                        "model", Map.of("training_data", Map.of("anonymization_method", "none"),
                                "fairness_metrics", Map.of("demographic_parity", 0.2)),
                        "deployment", Map.of("region", "us-east-1"))), "growth");
        assertThat(evaluation.decision()).isEqualTo(Outcome.DENIED);
        assertThat(outcomes(evaluation, Outcome.DENIED)).containsExactlyInAnyOrder(
                "pii-anonymization-standard", "bias-standard", "data-residency", "cross-border-transfers");
    }

    @Test
    void subscribesATierToItsVariantsTheUntieredPoliciesAndTheChosenFrameworks() {
        List<String> ids = StandardLibrary.subscription("strict", List.of("gdpr", "eu-ai-act")).stream()
                .map(PolicyDocument::id).toList();
        assertThat(ids).contains("pii-anonymization-strict", "pii-consent-strict", "bias-strict", "usage-limits-strict",
                        "compliance-gdpr", "compliance-eu-ai-act-high-risk", "lineage-provenance", "production-approvals")
                .doesNotContain("bias-standard", "bias-flexible", "pii-consent-flexible", "compliance-hipaa", "compliance-ccpa");
        assertThat(StandardLibrary.entries()).extracting(StandardLibrary.Entry::framework).filteredOn(f -> f != null)
                .containsExactlyInAnyOrder("gdpr", "soc2", "hipaa", "eu-ai-act", "ccpa");
        assertThat(StandardLibrary.entries()).extracting(StandardLibrary.Entry::tier).filteredOn(t -> t != null)
                .containsOnly("strict", "standard", "flexible");
    }

    @Test
    void refusesAnUnknownTierFrameworkOrPolicy() {
        assertThatThrownBy(() -> StandardLibrary.subscription("lenient", List.of())).hasMessageContaining("strict, standard, flexible");
        assertThatThrownBy(() -> StandardLibrary.subscription("strict", List.of("pci"))).hasMessageContaining("'pci' is not one of");
        assertThatThrownBy(() -> StandardLibrary.load("no-such-policy")).hasMessageContaining("no policy 'no-such-policy'");
    }

    private static void assertApprovedWithoutErrors(Evaluation evaluation) {
        assertThat(evaluation.policyEvaluations())
                .allSatisfy(p -> assertThat(p.decision()).as("%s: %s", p.policyId(), p.reason())
                        .isIn(Outcome.APPROVED, Outcome.NOT_APPLICABLE));
        assertThat(evaluation.decision()).isEqualTo(Outcome.APPROVED);
        assertThat(evaluation.warnings()).isEmpty();
        assertThat(evaluation.policyEvaluations()).flatExtracting(PolicyEvaluation::rules)
                .allSatisfy(r -> assertThat(r.error()).isNull());
    }

    private static Set<String> outcomes(Evaluation evaluation, Outcome outcome) {
        return Set.copyOf(evaluation.policyEvaluations().stream().filter(p -> p.decision() == outcome)
                .map(PolicyEvaluation::policyId).toList());
    }
}
