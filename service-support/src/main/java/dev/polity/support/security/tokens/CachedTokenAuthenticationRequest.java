package dev.polity.support.security.tokens;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.BaseAuthenticationRequest;

/** A request whose bearer token was verified before: it carries the identity that verification produced. */
public final class CachedTokenAuthenticationRequest extends BaseAuthenticationRequest {

    private final SecurityIdentity verified;

    public CachedTokenAuthenticationRequest(SecurityIdentity verified) {
        this.verified = verified;
    }

    public SecurityIdentity verified() {
        return verified;
    }
}
