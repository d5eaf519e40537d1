package dev.polity.gateway.health;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.routing.Forwarder;
import dev.polity.support.security.breakglass.GrantStore;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the routes the gateway knows, the state of each service's circuit breaker and whether the
 * break-glass grants have been read. The gateway stays ready when a service behind it is down: it
 * still answers, with a 503 problem for that service, which is more useful to callers than being taken
 * out of rotation; and without the grant topic it knows fewer grants, never more.
 */
@Readiness
public class RoutesHealthCheck implements HealthCheck {

    private final GatewayConfig config;
    private final Forwarder forwarder;
    private final GrantStore grants;

    public RoutesHealthCheck(GatewayConfig config, Forwarder forwarder, GrantStore grants) {
        this.config = config;
        this.forwarder = forwarder;
        this.grants = grants;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("routes")
                .up()
                .withData("registry", config.registryUrl())
                .withData("audit", config.auditUrl())
                .withData("sync", config.syncUrl())
                .withData("policy_nodes", String.join(",", config.policyNodes().keySet()))
                .withData("break_glass_grants_read", grants.caughtUp());
        forwarder.circuitStates().forEach((service, state) -> response.withData("circuit " + service, state));
        return response.build();
    }
}
