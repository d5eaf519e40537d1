package dev.polity.registry.lifecycle.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A transition and its approval workflow.
 *
 * @param state           {@code pending_review}, {@code completed}, {@code denied} (by the policy node), {@code rejected}
 *                        (by a reviewer), {@code stale} (the version moved meanwhile) or {@code expired} (the node's
 *                        decision expired before the last sign-off; request the transition again)
 * @param requiredReviews the sign-offs the version's risk level needs
 * @param pendingReviews  those still missing
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TransitionView(
        UUID id,
        String organization,
        String name,
        String version,
        String fromStatus,
        String toStatus,
        boolean rollback,
        String reason,
        String requestedBy,
        Instant requestedAt,
        String state,
        String riskLevel,
        List<String> requiredReviews,
        List<String> pendingReviews,
        List<SignOffView> signOffs,
        DecisionSummary decision,
        Instant closedAt,
        String closedBy) {

    /** The policy node's decision on the transition. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record DecisionSummary(String decisionId, String decision, Long bundleRevision, List<String> conditions,
                                  Map<String, Object> constraints, List<Map<String, Object>> reasons) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record SignOffView(String review, String role, boolean approved, String comment, String signedBy, Instant signedAt) {
    }
}
