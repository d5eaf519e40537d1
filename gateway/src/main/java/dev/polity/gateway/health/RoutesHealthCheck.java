package dev.polity.gateway.health;

import dev.polity.gateway.config.GatewayConfig;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the routes the gateway knows. The gateway stays ready when a service behind it is down:
 * it still answers, with a 503 problem for that service, which is more useful to callers than
 * being taken out of rotation.
 */
@Readiness
public class RoutesHealthCheck implements HealthCheck {

    private final GatewayConfig config;

    public RoutesHealthCheck(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("routes")
                .up()
                .withData("registry", config.registryUrl())
                .withData("audit", config.auditUrl())
                .withData("sync", config.syncUrl())
                .withData("policy_nodes", String.join(",", config.policyNodes().keySet()))
                .build();
    }
}
