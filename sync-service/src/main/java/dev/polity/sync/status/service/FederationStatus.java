package dev.polity.sync.status.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.sync.federation.service.ImportResult;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;

/** {@code GET /api/v1/federation/status}: expected versus active bundle revisions across the federation. */
@Schema(name = "FederationStatus")
public record FederationStatus(
        @Schema(nullable = true) String federationId,
        @Schema(nullable = true) String federationName,
        Instant generatedAt,
        @Schema(description = "Nodes whose last report is older than this are flagged silent") long silentAfterSeconds,
        int nodesTotal,
        int nodesInSync,
        int nodesSilent,
        @Schema(description = "Publish-to-activation latency of the revisions nodes report active") Propagation propagation,
        @Schema(description = "Policy ids the hierarchy names that are not authored yet (not enforced)")
        List<ImportResult.UnresolvedPolicy> unresolvedPolicies,
        List<OrganizationStatus> organizations) {

    @Schema(name = "OrganizationStatus")
    public record OrganizationStatus(
            String organizationId,
            @Schema(nullable = true) String region,
            @Schema(description = "The latest published revision; what every node should have", nullable = true)
            Long expectedRevision,
            @Schema(nullable = true) String expectedDigest,
            @Schema(nullable = true) Instant publishedAt,
            @Schema(description = "Delivery of the next revision, when one is queued or failing", nullable = true)
            Publication publication,
            List<NodeView> nodes) {
    }

    @Schema(name = "PublicationState")
    public record Publication(
            @Schema(enumeration = {"queued", "retrying", "failed"}) String state,
            int attempts,
            Instant nextAttemptAt,
            @Schema(nullable = true) String lastError,
            String reason) {
    }

    @Schema(name = "NodeStatus")
    public record NodeView(
            String nodeId,
            @Schema(nullable = true) String region,
            @Schema(nullable = true) Long activeRevision,
            @Schema(nullable = true) String activeDigest,
            @Schema(nullable = true) Instant activatedAt,
            @Schema(description = "Revisions behind the expected one (0 in sync)", nullable = true) Long lag,
            @Schema(description = "Seconds since the expected revision was published, while the node lags", nullable = true)
            Long lagSeconds,
            boolean inSync,
            @Schema(description = "When the node last reported (its reported_at, else when it was received)") Instant lastReport,
            @Schema(nullable = true) String lastError,
            @Schema(nullable = true) Instant lastErrorAt,
            @Schema(description = "No report for longer than polity.federation.silent-after") boolean silent,
            @Schema(description = "Publish-to-activation time of the active revision", nullable = true) Long propagationLatencyMs,
            @Schema(nullable = true) JsonNode decisionsTotal) {
    }

    @Schema(name = "PropagationLatency")
    public record Propagation(int samples, @Schema(nullable = true) Long p50Ms, @Schema(nullable = true) Long p99Ms,
                              @Schema(nullable = true) Long maxMs) {
    }
}
