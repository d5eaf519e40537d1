package dev.polity.gateway.breakglass;

import java.time.Instant;

/**
 * A temporary elevated role: {@code user} of {@code organization} holds {@code role} until
 * {@code expiresAt}, because {@code grantedBy} (a platform_admin of the same organisation) said why.
 *
 * @param user the user's name as tokens carry it ({@code preferred_username}, else {@code sub})
 */
public record BreakGlassGrant(String id, String organization, String user, String role, String reason, String grantedBy,
                              Instant grantedAt, Instant expiresAt) {

    public boolean activeAt(Instant now) {
        return now.isBefore(expiresAt);
    }
}
