package dev.polity.support.security.tokens;

import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Turns a cached verification back into this request's identity: the same principal, roles, credential
 * and attributes, but this request's routing context, and marked so {@link VerifiedTokenRecorder} does
 * not cache it again.
 */
@ApplicationScoped
public class CachedTokenIdentityProvider implements IdentityProvider<CachedTokenAuthenticationRequest> {

    /** Identity attribute set on identities that came from the cache. */
    public static final String FROM_CACHE_ATTRIBUTE = "polity.verified-token-cache.hit";

    @Override
    public Class<CachedTokenAuthenticationRequest> getRequestType() {
        return CachedTokenAuthenticationRequest.class;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(CachedTokenAuthenticationRequest request, AuthenticationRequestContext context) {
        QuarkusSecurityIdentity.Builder identity = QuarkusSecurityIdentity.builder(request.verified())
                .addAttribute(FROM_CACHE_ATTRIBUTE, Boolean.TRUE);
        RoutingContext routingContext = HttpSecurityUtils.getRoutingContextAttribute(request);
        if (routingContext != null) {
            identity.addAttribute(RoutingContext.class.getName(), routingContext);
        }
        return Uni.createFrom().item(identity.build());
    }
}
