package dev.polity.support.security.breakglass;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import dev.polity.support.security.TokenClaims;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Instant;
import java.util.List;

/**
 * Adds the roles of the caller's active break-glass grants to its identity, in every service, so that
 * {@code @RolesAllowed} and {@link dev.polity.support.security.Caller} see them. Only the verified token
 * says who the caller is: a grant applies to the user it names (the identity's principal name, as the
 * gateway recorded it), in the organisation it was granted in (the token's organisation claim must be the
 * grant's), and only until its expiry, checked on every request. The organisation itself never changes:
 * a grant adds a role within the caller's own organisation, nothing more.
 */
@ApplicationScoped
public class BreakGlassAugmentor implements SecurityIdentityAugmentor {

    /** Identity attribute holding the {@link BreakGlassGrant}s that applied to this request (the gateway audits each use). */
    public static final String GRANTS_ATTRIBUTE = "polity.break-glass.grants";

    private final GrantStore store;
    private final String organizationClaim;

    public BreakGlassAugmentor(GrantStore store,
                               @ConfigProperty(name = "polity.security.organization-claim", defaultValue = "org_id") String organizationClaim) {
        this.store = store;
        this.organizationClaim = organizationClaim;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken token)) {
            return Uni.createFrom().item(identity);
        }
        String organization = TokenClaims.string(token, organizationClaim);
        if (organization == null) {
            return Uni.createFrom().item(identity);
        }
        // The same reading of the claim as Caller.organization().
        List<BreakGlassGrant> grants = store.activeFor(organization, identity.getPrincipal().getName(),
                Instant.now());
        if (grants.isEmpty()) {
            return Uni.createFrom().item(identity);
        }
        QuarkusSecurityIdentity.Builder elevated = QuarkusSecurityIdentity.builder(identity);
        grants.forEach(grant -> elevated.addRole(grant.role()));
        elevated.addAttribute(GRANTS_ATTRIBUTE, grants);
        return Uni.createFrom().item(elevated.build());
    }
}
