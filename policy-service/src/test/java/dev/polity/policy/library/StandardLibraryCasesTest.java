package dev.polity.policy.library;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.engine.CelValues;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.policy.engine.Evaluation;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.PolicyEvaluator;
import dev.polity.policy.engine.RuleResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every policy of the standard library against the allowed and refused cases of its fixture
 * ({@code src/test/resources/dev/polity/policy/library/cases/<policy id>.yaml}), evaluated by the
 * node's engine exactly as a decision would be.
 */
class StandardLibraryCasesTest {

    private static final PolicyEvaluator EVALUATOR = new PolicyEvaluator();

    static Stream<Arguments> cases() {
        return StandardLibrary.entries().stream().flatMap(entry -> {
            LibraryFixtures.Fixture fixture = LibraryFixtures.fixture(entry.id());
            return Stream.concat(
                    fixture.allowed().stream().map(c -> Arguments.of(entry.id() + " allows: " + c.name(), entry.id(), true, c)),
                    fixture.refused().stream().map(c -> Arguments.of(entry.id() + " refuses: " + c.name(), entry.id(), false, c)));
        });
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decidesAsTheFixtureSays(String title, String policyId, boolean allowed, LibraryFixtures.Case c) {
        CompiledBundle bundle = LibraryFixtures.bundle(List.of(StandardLibrary.load(policyId)));
        PolicyDocument document = bundle.policies().get(0).document();
        Evaluation evaluation = EVALUATOR.evaluate(bundle, LibraryFixtures.celRequest(c.request()), "growth");
        PolicyEvaluation policy = evaluation.policyEvaluations().get(0);
        List<RuleResult> failed = policy.rules().stream().filter(r -> !r.passed()).toList();

        Outcome expected = c.outcome() != null ? Outcome.valueOf(c.outcome().toUpperCase())
                : allowed ? Outcome.APPROVED
                : switch (document.enforcement()) {
                    case BLOCKING -> Outcome.DENIED;
                    case CONDITIONAL -> Outcome.CONDITIONAL;
                    case ADVISORY -> Outcome.WARNING;
                };
        assertThat(policy.decision()).as("outcome of %s; reason: %s; rules: %s", policyId, policy.reason(), failed)
                .isEqualTo(expected);
        assertThat(evaluation.decision()).isEqualTo(switch (expected) {
            case DENIED -> Outcome.DENIED;
            case CONDITIONAL -> Outcome.CONDITIONAL;
            default -> Outcome.APPROVED;
        });
        for (String message : c.messages()) {
            assertThat(policy.reason()).as("reason").contains(message);
        }
        if (c.conditions() != null) {
            assertThat(evaluation.conditions()).containsExactlyElementsOf(c.conditions());
        }
        if (c.constraints() != null) {
            assertThat(CelValues.fromJsonObject(evaluation.constraints()))
                    .containsAllEntriesOf(CelValues.fromJsonObject(c.constraints()));
        }
        if (c.failedRules() != null) {
            assertThat(failed).extracting(RuleResult::name).containsExactlyElementsOf(c.failedRules());
        }
        if (allowed) {
            assertThat(failed).as("failed rules of an allowed case").isEmpty();
        } else {
            assertThat(failed).as("a refused case fails at least one rule").isNotEmpty();
            List<RuleResult> errors = failed.stream().filter(r -> r.error() != null).toList();
            if (Boolean.TRUE.equals(c.error())) {
                assertThat(errors).as("rules that fail closed on an evaluation error").isNotEmpty();
            } else {
                assertThat(errors).as("rules that could not be evaluated").isEmpty();
            }
        }
    }
}
