package dev.polity.support.security.tokens;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * The cache of bearer tokens this service has already verified ({@link VerifiedTokenCache}).
 */
@ConfigMapping(prefix = "polity.security.verified-token-cache")
public interface VerifiedTokenCacheConfig {

    /** Off: every request's token is verified from scratch (signature, issuer, audience, expiry). */
    @WithDefault("true")
    boolean enabled();

    /**
     * How long a verified token is trusted without verifying it again, at most; never past the token's own
     * {@code exp}. It bounds how long a signing key removed from the provider's key set still counts for
     * tokens this service had already verified.
     */
    @WithDefault("PT60S")
    Duration maxAge();

    /** Tokens kept at most; when full, expired entries are dropped, and if none are, new tokens are not cached. */
    @WithDefault("10000")
    int maxEntries();
}
