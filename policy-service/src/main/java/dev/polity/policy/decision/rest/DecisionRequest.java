package dev.polity.policy.decision.rest;

import java.util.List;
import java.util.Map;

/**
 * A governance request: may this model version go where the pipeline wants it? The metadata and
 * context stay free-form maps because policies may read any field of them.
 */
public record DecisionRequest(
        String modelId,
        String organizationId,
        String teamId,
        Map<String, Object> modelMetadata,
        Map<String, Object> deploymentContext,
        List<String> requestedPermissions) {
}
