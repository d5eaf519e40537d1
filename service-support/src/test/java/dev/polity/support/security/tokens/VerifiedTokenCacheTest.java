package dev.polity.support.security.tokens;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class VerifiedTokenCacheTest {

    private static final Instant NOW = Instant.parse("2026-11-22T02:00:00Z");

    private final MovableClock clock = new MovableClock();

    @Test
    void aTokenIsReusedUntilItsOwnExpiry() {
        VerifiedTokenCache cache = cache(Duration.ofMinutes(10), 100);
        cache.remember("t1", identity(NOW.plusSeconds(30)));

        assertThat(cache.lookup("t1")).isPresent();
        clock.now = NOW.plusSeconds(29);
        assertThat(cache.lookup("t1")).isPresent();
        clock.now = NOW.plusSeconds(30);
        assertThat(cache.lookup("t1")).as("exp reached: verify again (and fail)").isEmpty();
        assertThat(cache.size()).isZero();
    }

    @Test
    void noEntryOutlivesTheMaximumAgeEvenIfTheTokenDoes() {
        VerifiedTokenCache cache = cache(Duration.ofSeconds(60), 100);
        cache.remember("t1", identity(NOW.plus(Duration.ofHours(1))));

        clock.now = NOW.plusSeconds(59);
        assertThat(cache.lookup("t1")).isPresent();
        clock.now = NOW.plusSeconds(60);
        assertThat(cache.lookup("t1")).isEmpty();
    }

    @Test
    void onlyTheExactTokenMatches() {
        VerifiedTokenCache cache = cache(Duration.ofSeconds(60), 100);
        cache.remember("header.claims.signature", identity(NOW.plusSeconds(30)));

        assertThat(cache.lookup("header.claims.signaturf")).isEmpty();
        assertThat(cache.lookup("header.claims")).isEmpty();
    }

    @Test
    void expiredOrExpiryLessTokensAreNeverCached() {
        VerifiedTokenCache cache = cache(Duration.ofSeconds(60), 100);
        cache.remember("expired", identity(NOW.minusSeconds(1)));
        cache.remember("no-exp", QuarkusSecurityIdentity.builder().setPrincipal(new Jwt("no-exp", Map.of())).build());
        cache.remember("no-jwt", QuarkusSecurityIdentity.builder().setPrincipal(() -> "plain").build());

        assertThat(cache.size()).isZero();
    }

    @Test
    void whenFullExpiredEntriesMakeRoomAndOtherwiseNewTokensAreNotCached() {
        VerifiedTokenCache cache = cache(Duration.ofSeconds(60), 2);
        cache.remember("a", identity(NOW.plusSeconds(5)));
        cache.remember("b", identity(NOW.plusSeconds(50)));
        cache.remember("c", identity(NOW.plusSeconds(50)));
        assertThat(cache.lookup("c")).as("full, nothing expired").isEmpty();

        clock.now = NOW.plusSeconds(10);
        cache.remember("c", identity(NOW.plusSeconds(50)));
        assertThat(cache.lookup("a")).isEmpty();
        assertThat(cache.lookup("b")).isPresent();
        assertThat(cache.lookup("c")).isPresent();
    }

    @Test
    void countsHitsAndMisses() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        VerifiedTokenCache cache = new VerifiedTokenCache(config(Duration.ofSeconds(60), 10), meters, clock);
        cache.remember("t", identity(NOW.plusSeconds(30)));
        cache.lookup("t");
        cache.lookup("t");
        cache.lookup("other");

        assertThat(meters.get("polity_verified_token_cache_hits_total").counter().count()).isEqualTo(2);
        assertThat(meters.get("polity_verified_token_cache_misses_total").counter().count()).isEqualTo(1);
    }

    private VerifiedTokenCache cache(Duration maxAge, int maxEntries) {
        return new VerifiedTokenCache(config(maxAge, maxEntries), new SimpleMeterRegistry(), clock);
    }

    private static VerifiedTokenCacheConfig config(Duration maxAge, int maxEntries) {
        return new VerifiedTokenCacheConfig() {
            @Override
            public boolean enabled() {
                return true;
            }

            @Override
            public Duration maxAge() {
                return maxAge;
            }

            @Override
            public int maxEntries() {
                return maxEntries;
            }
        };
    }

    private static SecurityIdentity identity(Instant expiresAt) {
        return QuarkusSecurityIdentity.builder()
                .setPrincipal(new Jwt("alice", Map.of("exp", expiresAt.getEpochSecond())))
                .addRole("ml_engineer")
                .build();
    }

    private record Jwt(String name, Map<String, Object> claims) implements JsonWebToken {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public Set<String> getClaimNames() {
            return claims.keySet();
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claimName) {
            return (T) claims.get(claimName);
        }
    }

    private final class MovableClock extends Clock {
        Instant now = NOW;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
