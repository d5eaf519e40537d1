package dev.polity.support.security.tokens;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.Claims;
import org.eclipse.microprofile.jwt.JsonWebToken;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Bearer tokens this service has verified, with the identity quarkus-oidc built from each, so that a
 * client calling many times with the same token has its signature checked once, not on every call.
 * Verifying an RS256 token (RSA, and parsing its header and claims) was about a tenth of the policy
 * node's CPU per decision and a fifth of the gateway's.
 *
 * <p>What is cached is exactly what verification produced from the token's bytes, so it is keyed by
 * the whole token string: a different or altered token is a miss and is verified in full. An entry
 * ends at the token's {@code exp} (no clock-skew allowance: stricter than verification itself) or after
 * {@link VerifiedTokenCacheConfig#maxAge()}, whichever is first. What can change between two calls
 * with the same token is not cached: break-glass roles and every other augmentation are applied on
 * each request to the cached identity ({@link CachedBearerTokenMechanism}).
 */
@ApplicationScoped
public class VerifiedTokenCache {

    private final VerifiedTokenCacheConfig config;
    private final Clock clock;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();
    private final Counter hits;
    private final Counter misses;

    @Inject
    public VerifiedTokenCache(VerifiedTokenCacheConfig config, MeterRegistry meters) {
        this(config, meters, Clock.systemUTC());
    }

    VerifiedTokenCache(VerifiedTokenCacheConfig config, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.hits = Counter.builder("polity_verified_token_cache_hits_total")
                .description("Requests whose bearer token had been verified before and was still within its lifetime")
                .register(meters);
        this.misses = Counter.builder("polity_verified_token_cache_misses_total")
                .description("Requests whose bearer token was verified in full")
                .register(meters);
    }

    public boolean enabled() {
        return config.enabled();
    }

    /** The identity verified earlier for exactly this token, if it has not expired. */
    public Optional<SecurityIdentity> lookup(String token) {
        Entry entry = entries.get(token);
        if (entry == null) {
            misses.increment();
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.expiresAt())) {
            entries.remove(token, entry);
            misses.increment();
            return Optional.empty();
        }
        hits.increment();
        return Optional.of(entry.identity());
    }

    /** Remembers what verifying {@code token} produced; tokens without an expiry are never cached. */
    public void remember(String token, SecurityIdentity verified) {
        // Read the claim itself: JsonWebToken.getExpirationTime() fails on a token without one.
        if (!(verified.getPrincipal() instanceof JsonWebToken jwt) || !(jwt.getClaim(Claims.exp.name()) instanceof Number exp)
                || exp.longValue() <= 0) {
            return;
        }
        Instant now = clock.instant();
        Instant expiresAt = Instant.ofEpochSecond(exp.longValue());
        Instant capped = now.plus(config.maxAge());
        if (capped.isBefore(expiresAt)) {
            expiresAt = capped;
        }
        if (!now.isBefore(expiresAt)) {
            return;
        }
        if (entries.size() >= config.maxEntries()) {
            entries.values().removeIf(entry -> !now.isBefore(entry.expiresAt()));
            if (entries.size() >= config.maxEntries()) {
                return;
            }
        }
        entries.put(token, new Entry(verified, expiresAt));
    }

    int size() {
        return entries.size();
    }

    private record Entry(SecurityIdentity identity, Instant expiresAt) {
    }
}
