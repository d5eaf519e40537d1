package dev.polity.sync.override.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.UUID;

/** An override as the API shows it. */
@Schema(name = "Override")
public record Override(UUID id, String policyId, String organizationId,
                       @Schema(nullable = true) String teamId, String reason,
                       @Schema(description = "Token subject of who asked") String requestedBy,
                       @Schema(description = "Token subject of who approved (or rejected)", nullable = true) String approver,
                       @Schema(enumeration = {"pending", "active", "rejected", "expired", "revoked"}) String status,
                       Instant createdAt,
                       @Schema(description = "A pending request expires unapproved at this time") Instant approvalExpiresAt,
                       @Schema(nullable = true) Instant approvedAt,
                       @Schema(description = "The override ends and drops out of the bundle at this time") Instant expiresAt,
                       @Schema(nullable = true) Instant endedAt) {
}
