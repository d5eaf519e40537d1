package dev.polity.sync.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** How this instance names itself in the audit events it emits. */
@ConfigMapping(prefix = "polity.events")
public interface EventsConfig {

    /**
     * Instance name in the CloudEvent {@code source}, {@code /polity/sync-service/<instance>}.
     * Defaults to the host name (the pod name on Kubernetes), else {@code local}.
     */
    Optional<String> instance();
}
