package dev.polity.gateway.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;

/** Where the gateway sends each request. */
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

    /** How long the gateway waits for a service before answering 504. */
    @WithDefault("PT10S")
    Duration requestTimeout();
}
