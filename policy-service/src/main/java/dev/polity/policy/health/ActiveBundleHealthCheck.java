package dev.polity.policy.health;

import dev.polity.policy.bundle.BundleActivator;
import dev.polity.policy.bundle.NodeStatus;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** A node without a verified bundle cannot decide, so it must not receive traffic. */
@Readiness
public class ActiveBundleHealthCheck implements HealthCheck {

    private final BundleActivator activator;

    public ActiveBundleHealthCheck(BundleActivator activator) {
        this.activator = activator;
    }

    @Override
    public HealthCheckResponse call() {
        NodeStatus status = activator.status();
        HealthCheckResponseBuilder builder = HealthCheckResponse.named("active-policy-bundle")
                .status(status.activeRevision() != null)
                .withData("organization", status.organizationId());
        if (status.activeRevision() != null) {
            builder.withData("revision", status.activeRevision());
        }
        if (status.lastError() != null) {
            builder.withData("last_error", status.lastError());
        }
        return builder.build();
    }
}
