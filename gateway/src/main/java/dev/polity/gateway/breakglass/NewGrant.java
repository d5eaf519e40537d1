package dev.polity.gateway.breakglass;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Duration;
import java.time.Instant;

/**
 * The body of {@code POST /api/v1/break-glass/grants}: give either {@code duration} or {@code expires_at}.
 *
 * @param user     the user's name as their tokens carry it ({@code preferred_username})
 * @param duration ISO-8601, at most {@code polity.gateway.break-glass.max-duration} (PT4H)
 */
@Schema(name = "NewBreakGlassGrant")
public record NewGrant(
        @Schema(required = true, example = "globalcorp-eu-data_scientist") String user,
        @Schema(required = true, example = "ml_engineer") String role,
        @Schema(required = true, example = "INC-4711: roll back credit-risk 2.1.0 in production, on-call ml_engineer unreachable") String reason,
        @Schema(example = "PT2H") Duration duration,
        Instant expiresAt) {
}
