package dev.polity.gateway.quota;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.http.RetryLaterException;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts each client's requests in fixed UTC windows: the clock hour and the day. A request over either
 * limit is refused and not counted; the answer says when the window that refused it ends.
 *
 * <p>Counts live in this replica's memory. Behind a load balancer that spreads a client over N replicas,
 * a client gets up to N times the configured limit; set the limits per replica accordingly (README).
 */
@ApplicationScoped
public class QuotaCounter {

    private static final long HOUR = 3600;
    private static final long DAY = 86400;

    private final GatewayConfig.Quotas config;
    private final Map<String, Usage> usage = new ConcurrentHashMap<>();
    private Clock clock = Clock.systemUTC();

    public QuotaCounter(GatewayConfig config) {
        this.config = config.quotas();
    }

    /** For tests. */
    void useClock(Clock clock) {
        this.clock = clock;
    }

    /** The outcome of counting one request. */
    public record Verdict(boolean allowed, long hourLimit, long hourRemaining, long dayLimit, long dayRemaining, Duration retryAfter,
                          String exceeded) {

        /** The 429 problem for a refused request of {@code client}, with {@code Retry-After}. */
        public RetryLaterException refusal(String client) {
            long limit = "day".equals(exceeded) ? dayLimit : hourLimit;
            return new RetryLaterException(429, "quota-exceeded", "Too many requests", "client '" + client + "' used its quota of "
                    + limit + " requests per " + exceeded + "; retry after the Retry-After seconds", retryAfter);
        }
    }

    public boolean enabled() {
        return config.enabled();
    }

    public long hourLimit(String client) {
        GatewayConfig.Quotas.ClientQuota own = config.clients().get(client);
        return own != null && own.perHour().isPresent() ? own.perHour().getAsLong() : config.perHour();
    }

    public long dayLimit(String client) {
        GatewayConfig.Quotas.ClientQuota own = config.clients().get(client);
        return own != null && own.perDay().isPresent() ? own.perDay().getAsLong() : config.perDay();
    }

    /** Counts a request of {@code client} if it is within both limits. */
    public Verdict count(String client) {
        return usage.computeIfAbsent(client, key -> new Usage()).count(clock.instant(), hourLimit(client), dayLimit(client), true);
    }

    /** What is left for {@code client}, without counting. */
    public Verdict peek(String client) {
        return usage.computeIfAbsent(client, key -> new Usage()).count(clock.instant(), hourLimit(client), dayLimit(client), false);
    }

    private static final class Usage {

        private long hourWindow = -1;
        private long hourCount;
        private long dayWindow = -1;
        private long dayCount;

        synchronized Verdict count(Instant now, long hourLimit, long dayLimit, boolean consume) {
            long seconds = now.getEpochSecond();
            if (seconds / HOUR != hourWindow) {
                hourWindow = seconds / HOUR;
                hourCount = 0;
            }
            if (seconds / DAY != dayWindow) {
                dayWindow = seconds / DAY;
                dayCount = 0;
            }
            Duration untilNextHour = Duration.ofSeconds((hourWindow + 1) * HOUR).minus(Duration.ofSeconds(seconds, now.getNano()));
            Duration untilNextDay = Duration.ofSeconds((dayWindow + 1) * DAY).minus(Duration.ofSeconds(seconds, now.getNano()));
            boolean dayOver = dayCount >= dayLimit;
            boolean hourOver = hourCount >= hourLimit;
            if (consume && (dayOver || hourOver)) {
                // When both are used up, the client has to wait for the later of the two windows.
                Duration retryAfter = dayOver ? untilNextDay : untilNextHour;
                return new Verdict(false, hourLimit, Math.max(0, hourLimit - hourCount), dayLimit, Math.max(0, dayLimit - dayCount),
                        retryAfter, dayOver ? "day" : "hour");
            }
            if (consume) {
                hourCount++;
                dayCount++;
            }
            return new Verdict(true, hourLimit, Math.max(0, hourLimit - hourCount), dayLimit, Math.max(0, dayLimit - dayCount), null, null);
        }
    }
}
