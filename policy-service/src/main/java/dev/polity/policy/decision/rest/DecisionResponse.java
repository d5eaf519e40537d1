package dev.polity.policy.decision.rest;

import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A governance decision.
 *
 * @param evaluationDuration        ISO-8601 duration of the policy evaluation alone (not the HTTP round trip)
 * @param evaluationDurationMicros  the same in microseconds, for dashboards
 */
public record DecisionResponse(
        String decisionId,
        Outcome decision,
        String organizationId,
        String teamId,
        String modelId,
        List<PolicyEvaluation> policyEvaluations,
        List<String> conditions,
        Map<String, Object> constraints,
        List<String> warnings,
        List<String> auditRequirements,
        long bundleRevision,
        String bundleDigest,
        String nodeId,
        Instant evaluatedAt,
        Duration evaluationDuration,
        long evaluationDurationMicros,
        Instant expiresAt) {
}
