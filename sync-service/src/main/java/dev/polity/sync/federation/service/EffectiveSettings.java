package dev.polity.sync.federation.service;

import java.time.Duration;

/**
 * The settings the service acts on: the imported federation file's where it has them, the
 * service configuration's otherwise.
 */
public record EffectiveSettings(
        String federationId,
        String federationName,
        boolean requireApproval,
        Duration approvalTimeout,
        int maxRetries,
        Duration initialBackoff,
        double backoffMultiplier,
        Duration maxBackoff) {

    /** Wait before retry number {@code attempt} (1 = the first retry). */
    public Duration backoff(int attempt) {
        double millis = initialBackoff.toMillis() * Math.pow(backoffMultiplier, Math.max(0, attempt - 1));
        return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
    }
}
