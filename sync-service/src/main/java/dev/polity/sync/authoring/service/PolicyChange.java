package dev.polity.sync.authoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A submitted policy version that waits for (or went through) approval, as the API shows it. */
@Schema(name = "PolicyChange")
public record PolicyChange(
        UUID id,
        String policyId,
        @Schema(description = "The version the change was made against; null for a new policy", nullable = true)
        Integer baseVersion,
        @Schema(description = "The version it becomes when approved")
        int proposedVersion,
        @Schema(enumeration = {"pending", "approved", "rejected", "expired"})
        String status,
        @Schema(description = "Token subject of the author") String author,
        @Schema(nullable = true) String authorOrganization,
        Instant createdAt,
        @Schema(description = "A pending change expires unapproved at this time (approval_timeout)") Instant expiresAt,
        @Schema(nullable = true) String decidedBy,
        @Schema(nullable = true) Instant decidedAt,
        @Schema(nullable = true) String comment,
        @Schema(description = "Differences from the base version") List<PolicyDiff.Change> diff,
        @Schema(description = "The proposed document (contracts' field names)", type = SchemaType.OBJECT) JsonNode document) {
}
