package dev.polity.support.security;

import dev.polity.support.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Set;

/**
 * Who is calling, as the verified bearer token says: subject, organisation, team, roles.
 * Nothing here comes from headers or bodies, which the caller controls. Claim names are the
 * ones the Keycloak realm in {@code deploy/keycloak} maps ({@code org_id}, {@code team_id},
 * {@code roles}).
 */
@RequestScoped
public class Caller {

    private final SecurityIdentity identity;
    private final String organizationClaim;
    private final String teamClaim;

    public Caller(SecurityIdentity identity,
                  @ConfigProperty(name = "polity.security.organization-claim", defaultValue = "org_id") String organizationClaim,
                  @ConfigProperty(name = "polity.security.team-claim", defaultValue = "team_id") String teamClaim) {
        this.identity = identity;
        this.organizationClaim = organizationClaim;
        this.teamClaim = teamClaim;
    }

    /** The caller's organisation; a token without one cannot act for any tenant (403). */
    public String organization() {
        String organization = claim(organizationClaim);
        if (organization == null || organization.isBlank()) {
            throw ProblemException.forbidden("the token carries no '" + organizationClaim + "' claim, so it cannot act for any organization");
        }
        return organization;
    }

    /** The caller's team, or null. */
    public String team() {
        return claim(teamClaim);
    }

    /** The token's subject (user or client id). */
    public String subject() {
        return identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }

    public boolean hasRole(String role) {
        return identity.hasRole(role);
    }

    public boolean hasAnyRole(Set<String> roles) {
        return roles.stream().anyMatch(identity::hasRole);
    }

    public Set<String> roles() {
        return identity.getRoles();
    }

    private String claim(String name) {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            return TokenClaims.string(token, name);
        }
        return null;
    }
}
