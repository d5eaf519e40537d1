package dev.polity.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the model registry, keys {@code polity.registry.*}. */
@ConfigMapping(prefix = "polity.registry")
public interface RegistryConfig {

    /** The audit events this service emits. */
    Events events();

    /** The transactional outbox that relays events to Kafka. */
    Outbox outbox();

    interface Events {
        /**
         * CloudEvent {@code source} of every event this instance emits, {@code /polity/registry-service/<instance>}.
         * Together with the event id it identifies an event in the audit log, so keep it stable per deployment.
         */
        @WithDefault("/polity/registry-service/${HOSTNAME:local}")
        String source();
    }

    interface Outbox {
        /**
         * How often pending outbox events are relayed to Kafka (besides the attempt right after each commit).
         * Read by the scheduler as {@code polity.registry.outbox.relay-interval}.
         */
        @WithDefault("1s")
        Duration relayInterval();

        /** How many pending events one relay pass sends at most. */
        @WithDefault("100")
        int batchSize();

        /** How long one relay pass waits for Kafka to acknowledge its events before leaving them pending. */
        @WithDefault("30s")
        Duration sendTimeout();

        /**
         * How long events stay in the outbox after Kafka acknowledged them (for troubleshooting) before
         * they are deleted. Pending events are never deleted.
         */
        @WithDefault("7d")
        Duration retention();
    }
}
