package dev.polity.policy.engine;

import dev.polity.contracts.policy.Enforcement;
import dev.polity.contracts.policy.PolicyType;

import java.util.List;
import java.util.Map;

/** The result of one policy for one request, rule by rule. */
public record PolicyEvaluation(
        String policyId,
        String policyName,
        Integer policyVersion,
        PolicyType type,
        Enforcement enforcement,
        Outcome decision,
        String reason,
        List<String> conditions,
        Map<String, Object> constraints,
        List<RuleResult> rules) {
}
