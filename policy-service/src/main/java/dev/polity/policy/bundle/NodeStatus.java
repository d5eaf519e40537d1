package dev.polity.policy.bundle;

import java.time.Instant;
import java.util.Map;

/** What a node reports on {@code polity.policy.status}: its active bundle and its last error. */
public record NodeStatus(
        String nodeId,
        String organizationId,
        String region,
        Long activeRevision,
        String activeDigest,
        Instant activatedAt,
        String lastError,
        Instant lastErrorAt,
        Map<String, Long> decisionsTotal,
        Integer spooledDecisions,
        Instant reportedAt) {
}
