package dev.polity.support.security.tokens;

import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.SecurityIdentityAugmentor;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Caches what quarkus-oidc verified. It runs first of all augmentors (the highest priority), so what it
 * caches is the identity as verification alone produced it, before break-glass roles or anything else
 * that may change from one request to the next is added.
 */
@ApplicationScoped
public class VerifiedTokenRecorder implements SecurityIdentityAugmentor {

    private final VerifiedTokenCache cache;

    public VerifiedTokenRecorder(VerifiedTokenCache cache) {
        this.cache = cache;
    }

    @Override
    public int priority() {
        return Integer.MAX_VALUE;
    }

    @Override
    public Uni<SecurityIdentity> augment(SecurityIdentity identity, AuthenticationRequestContext context) {
        if (cache.enabled() && !identity.isAnonymous() && identity.getAttribute(CachedTokenIdentityProvider.FROM_CACHE_ATTRIBUTE) == null) {
            AccessTokenCredential credential = identity.getCredential(AccessTokenCredential.class);
            if (credential != null && !credential.isOpaque() && credential.getToken() != null) {
                cache.remember(credential.getToken(), identity);
            }
        }
        return Uni.createFrom().item(identity);
    }
}
