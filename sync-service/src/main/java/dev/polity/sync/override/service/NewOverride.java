package dev.polity.sync.override.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/** Body of {@code POST /api/v1/overrides}. */
@Schema(name = "NewOverride")
public record NewOverride(
        @Schema(required = true, example = "bias-threshold") String policyId,
        @Schema(required = true, example = "acme") String organizationId,
        @Schema(description = "Only this team of the organisation", nullable = true, example = "ml-platform") String teamId,
        @Schema(required = true, example = "Fairness re-test scheduled; model serves internal users only") String reason,
        @Schema(description = "When the override ends (at most polity.authoring.override-max-duration ahead)", required = true)
        Instant expiresAt) {
}
