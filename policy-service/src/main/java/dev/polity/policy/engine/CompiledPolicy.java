package dev.polity.policy.engine;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyRule;

import java.util.List;
import java.util.Map;

/** A policy whose expressions are compiled and ready to evaluate; immutable. */
public record CompiledPolicy(
        PolicyDocument document,
        CompiledExpression match,
        Map<String, Object> params,
        List<CompiledRule> rules) {

    /** @param messageProgram null when the rule has a fixed message only */
    public record CompiledRule(PolicyRule rule, CompiledExpression program, CompiledExpression messageProgram) {
    }
}
