package dev.polity.policy.engine;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyRule;

import java.util.List;
import java.util.Map;

/**
 * A policy whose expressions are compiled and ready to evaluate; immutable.
 *
 * @param constants its answers that do not depend on the request (all passed, not applicable)
 */
public record CompiledPolicy(
        PolicyDocument document,
        CompiledExpression match,
        Map<String, Object> params,
        List<CompiledRule> rules,
        ConstantEvaluations constants) {

    public CompiledPolicy(PolicyDocument document, CompiledExpression match, Map<String, Object> params, List<CompiledRule> rules) {
        this(document, match, params, rules, new ConstantEvaluations(document, rules));
    }

    /** @param messageProgram null when the rule has a fixed message only */
    public record CompiledRule(PolicyRule rule, CompiledExpression program, CompiledExpression messageProgram) {
    }
}
