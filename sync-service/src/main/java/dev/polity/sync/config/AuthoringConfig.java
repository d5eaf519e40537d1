package dev.polity.sync.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/**
 * Policy authoring. {@code require-approval} and {@code approval-timeout}, when set, win over an
 * imported federation file's {@code sync_configuration.conflict_resolution}; when not set, the
 * file's values apply, and without a file the defaults (false, 72h).
 */
@ConfigMapping(prefix = "polity.authoring")
public interface AuthoringConfig {

    /**
     * Whether a new global or regional policy version waits for a second person's approval (role
     * {@code policy_approver}, not the author) before it is published.
     */
    Optional<Boolean> requireApproval();

    /** How long a pending policy change or override request waits for approval before it expires (default 72h). */
    Optional<Duration> approvalTimeout();

    /** The longest an override may be granted for. */
    @WithDefault("90d")
    Duration overrideMaxDuration();

    /** How often pending changes and overrides are checked for expiry (a Quarkus scheduler period). */
    @WithDefault("1s")
    String expiryCheckInterval();
}
