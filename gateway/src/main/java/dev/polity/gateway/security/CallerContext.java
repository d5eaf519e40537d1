package dev.polity.gateway.security;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.support.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Who is calling, as the verified token says: organisation, team, roles. Nothing here comes from
 * request headers or bodies, which the caller controls.
 */
@RequestScoped
public class CallerContext {

    private final SecurityIdentity identity;
    private final GatewayConfig config;

    public CallerContext(SecurityIdentity identity, GatewayConfig config) {
        this.identity = identity;
        this.config = config;
    }

    /** The caller's organisation; a token without one cannot act for any tenant. */
    public String organization() {
        String organization = claim(config.organizationClaim());
        if (organization == null || organization.isBlank()) {
            throw ProblemException.forbidden("the token carries no '" + config.organizationClaim()
                    + "' claim, so it cannot act for any organization");
        }
        return organization;
    }

    public String team() {
        return claim(config.teamClaim());
    }

    public String subject() {
        return identity.getPrincipal().getName();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    private String claim(String name) {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            Object value = token.getClaim(name);
            return value == null ? null : value.toString().replace("\"", "");
        }
        return null;
    }
}
