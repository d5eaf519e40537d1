package dev.polity.audit.health;

import dev.polity.audit.checkpoint.service.CheckpointService;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * DOWN when the last attempt to sign a checkpoint was refused because the stored tree did not match the head or an
 * earlier checkpoint: the log may have been altered, and it stays unsigned until someone looks. A wellness check,
 * like {@code audit-ingest}: the log keeps ingesting and answering; alert on it.
 */
@Wellness
@ApplicationScoped
public class CheckpointHealthCheck implements HealthCheck {

    private final CheckpointService checkpoints;

    CheckpointHealthCheck(CheckpointService checkpoints) {
        this.checkpoints = checkpoints;
    }

    @Override
    public HealthCheckResponse call() {
        String refusal = checkpoints.refusal();
        return refusal == null
                ? HealthCheckResponse.named("audit-checkpoints").up().build()
                : HealthCheckResponse.named("audit-checkpoints").down().withData("refused", refusal).build();
    }
}
