package dev.polity.support.security.tokens;

import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Optional;
import java.util.Set;

/**
 * Runs before quarkus-oidc's bearer token mechanism (a higher priority): when the request's token is in
 * the {@link VerifiedTokenCache}, the identity verified for it earlier is used, and goes through the
 * identity augmentors (break-glass roles and the rest) like a freshly verified one. When it is not, this
 * mechanism steps aside and quarkus-oidc verifies the token; {@link VerifiedTokenRecorder} then caches
 * the result. Challenges (401) are left to quarkus-oidc.
 */
@ApplicationScoped
public class CachedBearerTokenMechanism implements HttpAuthenticationMechanism {

    private static final String BEARER = "bearer ";

    private final VerifiedTokenCache cache;

    public CachedBearerTokenMechanism(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        if (!cache.enabled()) {
            return Uni.createFrom().nullItem();
        }
        String token = bearerToken(context);
        if (token == null) {
            return Uni.createFrom().nullItem();
        }
        Optional<SecurityIdentity> verified = cache.lookup(token);
        if (verified.isEmpty()) {
            return Uni.createFrom().nullItem(); // quarkus-oidc's mechanism verifies it
        }
        return identityProviderManager.authenticate(
                HttpSecurityUtils.setRoutingContextAttribute(new CachedTokenAuthenticationRequest(verified.get()), context));
    }

    static String bearerToken(RoutingContext context) {
        String header = context.request().headers().get(HttpHeaders.AUTHORIZATION);
        if (header == null || header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = header.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().nullItem();
    }

    @Override
    public Uni<Boolean> sendChallenge(RoutingContext context) {
        return Uni.createFrom().item(false);
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of(CachedTokenAuthenticationRequest.class);
    }

    @Override
    public int getPriority() {
        return DEFAULT_PRIORITY + 100;
    }
}
