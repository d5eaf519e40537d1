package dev.polity.sync.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * Bundle delivery: retries of failed publications and HTTP long polling. An imported federation
 * file's {@code sync_configuration.retry_policy} ({@code max_retries}, {@code backoff_multiplier},
 * {@code max_backoff}) wins over the retry defaults.
 */
@ConfigMapping(prefix = "polity.distribution")
public interface DistributionConfig {

    /** Attempts after the first failed publication of a bundle before it is marked failed (still shown in the federation status). */
    @WithDefault("5")
    int maxRetries();

    /** Wait before the first retry; each further retry waits {@code backoff-multiplier} times longer. */
    @WithDefault("1s")
    Duration initialBackoff();

    /** Growth factor of the wait between retries. */
    @WithDefault("2.0")
    double backoffMultiplier();

    /** Upper bound of the wait between retries. */
    @WithDefault("5m")
    Duration maxBackoff();

    /** How often due retries are looked for (a Quarkus scheduler period). */
    @WithDefault("1s")
    String retryCheckInterval();

    /** The longest {@code GET /api/v1/bundles/{org}?wait=} may hold a request; longer waits are cut to this. */
    @WithDefault("60s")
    Duration longPollMaxWait();
}
