package dev.polity.policy.engine;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.ScopeLevel;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What a policy answers when nothing in it depends on the request: every rule passed, or the policy
 * does not apply (its match guard is false, or it is scoped to another team). Built once per compiled
 * policy, so a decision does not allocate them again; {@link #memo} keeps what a renderer derives from
 * them once (the node's JSON writer keeps their encoded JSON there).
 */
public final class ConstantEvaluations {

    static final String ALL_RULES_PASSED = "all rules passed";
    static final String MATCH_GUARD_FALSE = "match guard is false";

    private final PolicyEvaluation allPassed;
    private final PolicyEvaluation notApplicableByMatch;
    /** Null unless the policy is team-scoped. */
    private final PolicyEvaluation notApplicableByTeam;
    private volatile Object memo;

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
     * One value a renderer derives from this policy, computed once (the node's JSON writer keeps the
     * policy's encoded names here). One renderer per process is expected: the first value is kept.
     */
    @SuppressWarnings("unchecked")
    public <T> T memo(Supplier<T> derive) {
        Object value = memo;
        if (value == null) {
            memo = value = derive.get(); // a race derives it twice, harmlessly, and keeps one
        }
        return (T) value;
    }

    private static PolicyEvaluation notApplicable(PolicyDocument document, String reason) {
        return new PolicyEvaluation(document.id(), document.displayName(), document.version(), document.type(),
                document.enforcement(), Outcome.NOT_APPLICABLE, reason, List.of(), Map.of(), List.of());
    }
}
