package dev.polity.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Where the gateway sends each request, and how it protects the services and itself. */
@ConfigMapping(prefix = "polity.gateway")
public interface GatewayConfig {

    /** Base URL of the model registry, e.g. {@code http://registry-service:8082}. */
    String registryUrl();

    /** Base URL of the audit service. */
    String auditUrl();

    /** Base URL of the central authority (sync-service). */
    String syncUrl();

    /**
     * Base URL of each organisation's policy node, by organisation id, e.g.
     * {@code polity.gateway.policy-nodes.acme=http://acme-node:8084}. A decision request goes to
     * the caller's organisation's node; an organisation without one gets a 503.
     */
    Map<String, String> policyNodes();

    /** How long the gateway waits for a service's answer before answering 504. */
    @WithDefault("PT10S")
    Duration requestTimeout();

    /** How long the gateway waits for a TCP connection to a service. */
    @WithDefault("PT2S")
    Duration connectTimeout();

    /**
     * Keep-alive HTTP/1.1 connections the gateway holds open to each service (each policy node
     * separately). A call waits for a free connection, so this caps how many calls one service
     * has in flight from this gateway: it must be at least the concurrency pipelines drive,
     * or the gateway itself becomes the queue (Vert.x's default is 5).
     */
    @WithDefault("64")
    int connectionsPerService();

    /**
     * The organisation that runs the central authority. Its {@code platform_admin}s manage federation
     * membership (create and change any organisation, build any bundle) and its governance roles see
     * every organisation's policies and overrides. Unset: nobody acts across organisations.
     */
    Optional<String> centralOrganization();

    /**
     * Serve {@code POST /api/v1/decisions}, the call pipelines make most, on a plain Vert.x route instead of
     * through Quarkus REST: the same checks (token, role, tenant, quota, break-glass audit), the same circuit
     * breaker and the same answers, for less CPU per decision (0.70 ms to 0.39 ms in bench/decision-throughput).
     * Off: Quarkus REST serves it like every other path.
     */
    @WithDefault("true")
    boolean decisionFastPath();

    /** Circuit breakers and retries. */
    Resilience resilience();

    /** Requests per client and time window. */
    Quotas quotas();

    /** Temporary elevated roles. */
    BreakGlass breakGlass();

    interface Resilience {

        /** Retries of an idempotent call (GET, HEAD, OPTIONS, PUT, DELETE) that failed in transport or with 502/503/504. Never for POST or PATCH. */
        @WithDefault("2")
        int retries();

        /** Pause before each retry. */
        @WithDefault("PT0.2S")
        Duration retryDelay();

        /** Calls in a service's circuit breaker's rolling window. */
        @WithDefault("20")
        int circuitBreakerWindow();

        /** Share of failed calls in the window (0-1) that opens the circuit. */
        @WithDefault("0.5")
        double circuitBreakerFailureRatio();

        /** How long an open circuit stays open before a trial call; also the Retry-After of its 503s. */
        @WithDefault("PT10S")
        Duration circuitBreakerDelay();

        /** Successful trial calls that close a half-open circuit again. */
        @WithDefault("2")
        int circuitBreakerSuccessThreshold();
    }

    interface Quotas {

        /** Off: no client is ever limited. */
        @WithDefault("true")
        boolean enabled();

        /** Requests a client (token claim {@code azp}) may make per clock hour (UTC). */
        @WithDefault("20000")
        long perHour();

        /** Requests a client may make per day (UTC). */
        @WithDefault("200000")
        long perDay();

        /**
         * Per-client overrides, e.g. {@code polity.gateway.quotas.clients.nimbus-ai-pipeline.per-hour=600}; what
         * a client does not set falls back to {@link #perHour()} and {@link #perDay()}.
         */
        Map<String, ClientQuota> clients();

        interface ClientQuota {

            /** Requests per clock hour for this client. */
            OptionalLong perHour();

            /** Requests per day for this client. */
            OptionalLong perDay();
        }
    }

    interface BreakGlass {

        /** The longest a grant may last. */
        @WithDefault("PT4H")
        Duration maxDuration();

        /** Roles a {@code platform_admin} may grant; platform_admin itself is deliberately not among them. */
        @WithDefault("data_scientist,ml_engineer,data_engineer,business_analyst,compliance_officer,auditor,policy_author,policy_approver,"
                + "ml_lead,product_owner,security_reviewer,stakeholder")
        List<String> grantableRoles();

        /** How often each replica looks for grants that reached their expiry. */
        @WithDefault("PT1S")
        Duration sweepInterval();

        /**
         * This gateway gives, revokes and sweeps grants: the central gateway, whose Kafka user may write the
         * grant topic. Off (a regional gateway, whose Kafka user may only read it): grants still count here,
         * but {@code POST} and {@code DELETE} answer 409 naming the central gateway and expired grants are
         * left to the central gateway's sweep, so no audit event claims a grant or an end that was never stored.
         */
        @WithDefault("true")
        boolean manage();
    }
}
