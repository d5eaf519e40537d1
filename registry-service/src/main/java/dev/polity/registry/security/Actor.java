package dev.polity.registry.security;

import dev.polity.support.security.Caller;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * Who acts, copied from the verified token at the start of a request so that the reactive pipeline
 * after it never touches request-scoped beans: organisation, team, subject, roles and the raw bearer
 * token (forwarded to the organisation's policy node).
 */
public record Actor(String organization, String team, String subject, Set<String> roles, String bearerToken) {

    public static Actor of(Caller caller, JsonWebToken token) {
        return new Actor(caller.organization(), caller.team(), caller.subject(), Set.copyOf(caller.roles()),
                token == null ? null : token.getRawToken());
    }

    public boolean hasRole(String role) {
        return roles.contains(role);
    }

    public boolean hasAnyRole(String... wanted) {
        for (String role : wanted) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }
}
