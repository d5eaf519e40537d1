package dev.polity.support.security;

import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import jakarta.json.JsonString;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Reads a verified token's claims by name.
 *
 * <p>Why not {@link JsonWebToken#getClaim(String)}: smallrye-jwt first looks the name up with
 * {@code Claims.valueOf(name)}, which throws (and fills in a stack trace of some sixty frames) for every claim
 * that is not a standard one, such as {@code org_id}, {@code team_id} or {@code client_id}. Each request read two
 * or three of them, on the event loop. quarkus-oidc's principal exposes the claims it verified directly.
 */
public final class TokenClaims {

    private TokenClaims() {
    }

    /** The claim as text, or null when the token does not carry it. */
    public static String string(JsonWebToken token, String name) {
        Object value = token instanceof OidcJwtCallerPrincipal oidc ? oidc.getClaims().getClaimValue(name) : token.getClaim(name);
        if (value == null) {
            return null;
        }
        // getClaim wraps custom claims as JSON values; a JsonString's toString() is quoted.
        return value instanceof JsonString text ? text.getString() : value.toString().replace("\"", "");
    }
}
