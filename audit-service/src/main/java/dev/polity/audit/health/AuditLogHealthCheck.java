package dev.polity.audit.health;

import dev.polity.audit.log.AuditLog;
import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/** Ready when the audit log's head can be read from PostgreSQL; reports how many events the log holds. */
@Readiness
@ApplicationScoped
public class AuditLogHealthCheck implements AsyncHealthCheck {

    private static final String NAME = "audit-log";

    private final AuditLog log;

    AuditLogHealthCheck(AuditLog log) {
        this.log = log;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return log.head()
                .map(head -> HealthCheckResponse.named(NAME).up().withData("events", head.size()).build())
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", failure.getClass().getSimpleName() + ": " + failure.getMessage())
                        .build());
    }
}
