package dev.polity.policy.engine;

import java.util.List;
import java.util.Map;

/** The combined result of every policy of a bundle for one request. */
public record Evaluation(
        Outcome decision,
        List<PolicyEvaluation> policyEvaluations,
        List<String> conditions,
        Map<String, Object> constraints,
        List<String> warnings,
        long bundleRevision,
        String bundleDigest) {
}
