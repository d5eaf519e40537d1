package dev.polity.sync.health;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import java.time.Duration;

/**
 * Ready when PostgreSQL answers and the schema is migrated: counts the rows the service depends
 * on, which fails if the database is unreachable or the tables are missing.
 */
@Readiness
@ApplicationScoped
public class DatabaseReadinessCheck implements AsyncHealthCheck {

    static final String NAME = "sync-database";
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final String QUERY = "select (select count(*) from organizations) as organizations,"
            + " (select count(*) from policy_versions) as policy_versions,"
            + " (select count(*) from bundles) as bundles";

    private final Pool pool;

    public DatabaseReadinessCheck(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return pool.query(QUERY).execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return HealthCheckResponse.named(NAME).up()
                            .withData("organizations", row.getLong("organizations"))
                            .withData("policy_versions", row.getLong("policy_versions"))
                            .withData("bundles", row.getLong("bundles"))
                            .build();
                })
                .ifNoItem().after(TIMEOUT).failWith(() -> new IllegalStateException("no answer within " + TIMEOUT.toSeconds() + "s"))
                .onFailure().recoverWithItem(e -> HealthCheckResponse.named(NAME).down()
                        .withData("error", e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
                        .build());
    }
}
