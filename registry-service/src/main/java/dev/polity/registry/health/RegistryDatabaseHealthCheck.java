package dev.polity.registry.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Ready when the registry's schema answers a query: reports how many audit events wait in the outbox
 * and how old the oldest one is, the first thing to look at when events do not reach the audit log.
 */
@Readiness
@ApplicationScoped
public class RegistryDatabaseHealthCheck implements AsyncHealthCheck {

    private static final String NAME = "registry-database";

    private final Pool pool;

    RegistryDatabaseHealthCheck(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query("select count(*) as pending, min(created_at) as oldest from outbox_event where sent_at is null")
                .execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    OffsetDateTime oldest = row.getOffsetDateTime("oldest");
                    long ageSeconds = oldest == null ? 0 : Math.max(0, Duration.between(oldest.toInstant(), Instant.now()).toSeconds());
                    return HealthCheckResponse.named(NAME).up()
                            .withData("outbox_pending", row.getLong("pending"))
                            .withData("outbox_oldest_pending_age_seconds", ageSeconds)
                            .build();
                })
                .ifNoItem().after(Duration.ofSeconds(5)).fail()
                .onFailure().recoverWithItem(failure -> HealthCheckResponse.named(NAME).down()
                        .withData("error", failure.getClass().getSimpleName() + ": " + failure.getMessage())
                        .build());
    }
}
