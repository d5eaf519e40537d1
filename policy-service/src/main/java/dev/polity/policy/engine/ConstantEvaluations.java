package dev.polity.policy.engine;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.ScopeLevel;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a policy answers when nothing in it depends on the request: every rule passed, or the policy
 * does not apply (its match guard is false, or it is scoped to another team). Built once per compiled
 * policy, so a decision neither allocates these again nor renders them again: {@link #renderIfConstant}
 * keeps one rendering of each (the node's JSON writer keeps their encoded JSON here).
 */
public final class ConstantEvaluations {

    static final String ALL_RULES_PASSED = "all rules passed";
    static final String MATCH_GUARD_FALSE = "match guard is false";

    private final PolicyEvaluation allPassed;
    private final PolicyEvaluation notApplicableByMatch;
    /** Null unless the policy is team-scoped. */
    private final PolicyEvaluation notApplicableByTeam;
    private final Memo allPassedRendered = new Memo();
    private final Memo notApplicableByMatchRendered = new Memo();
    private final Memo notApplicableByTeamRendered = new Memo();
    private final Memo memo = new Memo();

    ConstantEvaluations(PolicyDocument document, List<CompiledPolicy.CompiledRule> rules) {
        List<RuleResult> passed = rules.stream().map(rule -> new RuleResult(rule.rule().name(), true, null, null, null)).toList();
        this.allPassed = new PolicyEvaluation(document.id(), document.displayName(), document.version(), document.type(),
                document.enforcement(), Outcome.APPROVED, ALL_RULES_PASSED, List.of(), Map.of(), passed);
        this.notApplicableByMatch = notApplicable(document, MATCH_GUARD_FALSE);
        this.notApplicableByTeam = document.scope() != null && document.scope().level() == ScopeLevel.TEAM
                ? notApplicable(document, "scoped to team '" + document.scope().team() + "'") : null;
    }

    public PolicyEvaluation allPassed() {
        return allPassed;
    }

    public PolicyEvaluation notApplicableByMatch() {
        return notApplicableByMatch;
    }

    public PolicyEvaluation notApplicableByTeam() {
        return notApplicableByTeam;
    }

    /**
     * {@code renderer}'s rendering of {@code evaluation}, computed once, when {@code evaluation} is one of
     * these constant evaluations (the same object); null for any other evaluation. One renderer per
     * process is expected: the first rendering is kept.
     */
    public <T> T renderIfConstant(PolicyEvaluation evaluation, Function<PolicyEvaluation, T> renderer) {
        if (evaluation == null) {
            return null;
        }
        if (evaluation == allPassed) {
            return allPassedRendered.get(() -> renderer.apply(evaluation));
        }
        if (evaluation == notApplicableByMatch) {
            return notApplicableByMatchRendered.get(() -> renderer.apply(evaluation));
        }
        if (evaluation == notApplicableByTeam) {
            return notApplicableByTeamRendered.get(() -> renderer.apply(evaluation));
        }
        return null;
    }

    /**
     * One value a renderer derives from this policy, computed once (the node's JSON writer keeps the
     * policy's encoded names here). One renderer per process is expected: the first value is kept.
     */
    public <T> T memo(Supplier<T> derive) {
        return memo.get(derive);
    }

    /** A value computed on first use; a race computes it twice, harmlessly, and keeps one. */
    private static final class Memo {
        private volatile Object value;

        @SuppressWarnings("unchecked")
        <T> T get(Supplier<T> compute) {
            Object current = value;
            if (current == null) {
                value = current = compute.get();
            }
            return (T) current;
        }
    }

    private static PolicyEvaluation notApplicable(PolicyDocument document, String reason) {
        return new PolicyEvaluation(document.id(), document.displayName(), document.version(), document.type(),
                document.enforcement(), Outcome.NOT_APPLICABLE, reason, List.of(), Map.of(), List.of());
    }
}
