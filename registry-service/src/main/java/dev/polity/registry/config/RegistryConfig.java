package dev.polity.registry.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** Settings of the model registry, keys {@code polity.registry.*}. */
@ConfigMapping(prefix = "polity.registry")
public interface RegistryConfig {

    /** The audit events this service emits. */
    Events events();

    /** The transactional outbox that relays events to Kafka. */
    Outbox outbox();

    /**
     * The policy node of each organisation, {@code polity.registry.policy-nodes.<org>=<base URL>}, e.g.
     * {@code polity.registry.policy-nodes.acme=http://acme-node:8084}. A lifecycle transition of an
     * organisation's version asks that node ({@code POST <url>/api/v1/decisions}); without an entry the
     * transition fails with 503.
     */
    Map<String, String> policyNodes();

    /** How the registry talks to policy nodes. */
    Decisions decisions();

    /** Model search. */
    Search search();

    /** Access grants. */
    Grants grants();

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

    interface Decisions {
        /**
         * How long a transition waits for the policy node's answer. The node answers only after its own
         * audit event was acknowledged (up to about 10 s when Kafka is slow), so keep this above that.
         */
        @WithDefault("15s")
        Duration timeout();
    }

    interface Search {
        /** Results per page when the request does not say. */
        @WithDefault("20")
        int defaultPageSize();

        /** The largest {@code limit} a search may ask for. */
        @WithDefault("100")
        int maxPageSize();
    }

    interface Grants {
        /**
         * How often grants that reached their expiry are looked for, to emit their {@code polity.access.expired}
         * audit event. A grant stops being valid at its {@code expires_at} whatever this says. Read by the
         * scheduler as {@code polity.registry.grants.expiry-check-interval}.
         */
        @WithDefault("1m")
        Duration expiryCheckInterval();
    }
}
