package dev.polity.policy.engine;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.ScopeLevel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a request against a compiled bundle. Pure and thread-safe.
 *
 * <p>Combination: any denied policy denies the decision; otherwise any conditional policy makes
 * it conditional, with the union of conditions and constraints; advisory policies only add
 * warnings. A rule that cannot be evaluated fails (fail closed): a blocking policy whose input
 * is missing denies rather than approving by accident.
 */
public final class PolicyEvaluator {

    /**
     * @param request the CEL {@code request} variable, already converted by {@link CelValues}
     * @param teamId  the requesting team; team-scoped policies only apply to it
     */
    public Evaluation evaluate(CompiledBundle bundle, Map<String, Object> request, String teamId) {
        List<PolicyEvaluation> evaluations = new ArrayList<>(bundle.policies().size());
        List<String> conditions = new ArrayList<>();
        Map<String, Object> constraints = new LinkedHashMap<>();
        List<String> warnings = new ArrayList<>();
        boolean denied = false;
        boolean conditional = false;
        for (CompiledPolicy policy : bundle.policies()) {
            PolicyEvaluation evaluation = evaluate(policy, request, teamId);
            evaluations.add(evaluation);
            switch (evaluation.decision()) {
                case DENIED -> denied = true;
                case CONDITIONAL -> {
                    conditional = true;
                    for (String condition : evaluation.conditions()) {
                        if (!conditions.contains(condition)) {
                            conditions.add(condition);
                        }
                    }
                    evaluation.constraints().forEach((key, value) -> constraints.merge(key, value, PolicyEvaluator::stricter));
                }
                case WARNING -> warnings.add(evaluation.policyId() + ": " + evaluation.reason());
                default -> {
                }
            }
        }
        Outcome decision = denied ? Outcome.DENIED : conditional ? Outcome.CONDITIONAL : Outcome.APPROVED;
        return new Evaluation(decision, List.copyOf(evaluations), List.copyOf(conditions), constraints,
                List.copyOf(warnings), bundle.revision(), bundle.digest());
    }

    PolicyEvaluation evaluate(CompiledPolicy policy, Map<String, Object> request, String teamId) {
        PolicyDocument document = policy.document();
        if (document.scope().level() == ScopeLevel.TEAM && !document.scope().team().equals(teamId)) {
            return policy.constants().notApplicableByTeam();
        }
        Map<String, Object> params = policy.params();
        if (policy.match() != null) {
            Object matched;
            try {
                matched = policy.match().evaluate(request, params);
            } catch (ExpressionEvaluationException e) {
                matched = Boolean.TRUE; // fail closed: if we cannot tell, the policy applies
            }
            if (Boolean.FALSE.equals(matched)) {
                return policy.constants().notApplicableByMatch();
            }
        }
        List<RuleResult> results = new ArrayList<>(policy.rules().size());
        List<String> failures = new ArrayList<>();
        for (CompiledPolicy.CompiledRule rule : policy.rules()) {
            RuleResult result = evaluate(rule, request, params);
            results.add(result);
            if (!result.passed()) {
                failures.add(result.message());
            }
        }
        if (failures.isEmpty()) {
            return policy.constants().allPassed();
        }
        String reason = String.join("; ", failures);
        return switch (document.enforcement()) {
            case BLOCKING -> new PolicyEvaluation(document.id(), document.displayName(), document.version(), document.type(),
                    document.enforcement(), Outcome.DENIED, reason, List.of(), Map.of(), List.copyOf(results));
            case CONDITIONAL -> new PolicyEvaluation(document.id(), document.displayName(), document.version(), document.type(),
                    document.enforcement(), Outcome.CONDITIONAL, reason,
                    document.conditions().isEmpty() ? List.copyOf(failures) : document.conditions(),
                    document.constraints(), List.copyOf(results));
            case ADVISORY -> new PolicyEvaluation(document.id(), document.displayName(), document.version(), document.type(),
                    document.enforcement(), Outcome.WARNING, reason, List.of(), Map.of(), List.copyOf(results));
        };
    }

    private static RuleResult evaluate(CompiledPolicy.CompiledRule compiled, Map<String, Object> request,
                                       Map<String, Object> params) {
        String name = compiled.rule().name();
        Object value;
        try {
            value = compiled.program().evaluate(request, params);
        } catch (ExpressionEvaluationException e) {
            return new RuleResult(name, false, message(compiled, request, params), compiled.rule().remedy(),
                    "rule could not be evaluated: " + e.getMessage());
        }
        if (!(value instanceof Boolean passed)) {
            return new RuleResult(name, false, message(compiled, request, params), compiled.rule().remedy(),
                    "rule evaluated to " + value + ", not a boolean");
        }
        return passed
                ? new RuleResult(name, true, null, null, null)
                : new RuleResult(name, false, message(compiled, request, params), compiled.rule().remedy(), null);
    }

    private static String message(CompiledPolicy.CompiledRule compiled, Map<String, Object> request,
                                  Map<String, Object> params) {
        if (compiled.messageProgram() != null) {
            try {
                Object message = compiled.messageProgram().evaluate(request, params);
                if (message instanceof String text) {
                    return text;
                }
            } catch (ExpressionEvaluationException e) {
                // fall through to the fixed message: a failing message must not hide the failing rule
            }
        }
        return compiled.rule().message() != null ? compiled.rule().message() : "rule '" + compiled.rule().name() + "' failed";
    }

    /**
     * When two conditional policies constrain the same thing, keep the stricter limit: the
     * smaller number, {@code true} over {@code false}.
     */
    static Object stricter(Object current, Object other) {
        if (current instanceof Number a && other instanceof Number b) {
            return a.doubleValue() <= b.doubleValue() ? a : b;
        }
        if (current instanceof Boolean a && other instanceof Boolean b) {
            return a || b;
        }
        return current;
    }
}
