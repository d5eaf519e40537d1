package dev.polity.audit.ingest;

import dev.polity.audit.AuditDatabase;
import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.polity.audit.AuditApi.asAuditor;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * PostgreSQL goes away in the middle of a stream (its database refuses connections and every connection the service
 * held is terminated, as in a failover) and comes back: the service keeps running, retries, and stores every event
 * that arrived meanwhile exactly once, in a log that still verifies. Covers both of the service's clients: appends
 * use JDBC (binary COPY through the Agroal pool), the partition check and the reads the reactive pool.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit_outage"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class PostgresOutageTest {

    private static final String DATABASE = "audit_outage";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void storesEveryEventThatArrivedWhilePostgresWasAwayExactlyOnce() throws Exception {
        String subject = "model/acme/" + AuditKafka.unique("outage");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sent.add(send(subject, i));
        }
        awaitStored(subject, 5);

        try (Connection admin = connectToMaintenanceDatabase()) {
            execute(admin, "alter database " + DATABASE + " with allow_connections false");
            try {
                execute(admin, "select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + DATABASE + "'");
                for (int i = 5; i < 25; i++) {
                    sent.add(send(subject, i));
                }
                // Long enough for several failed attempts (back-off from 200 ms) on whatever the service holds.
                Thread.sleep(3000);
                given().get("/q/health/live").then().statusCode(200);
            } finally {
                execute(admin, "alter database " + DATABASE + " with allow_connections true");
            }
        }

        List<String> stored = awaitStored(subject, sent.size());
        assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
        asAuditor().get("/api/v1/audit/verify").then().statusCode(200).body("ok", equalTo(true));
    }

    private String send(String subject, int index) {
        CloudEvent event = AuditKafka.event(EventTypes.MODEL_REGISTERED, subject, "acme", "alice",
                "{\"version\":\"1." + index + ".0\"}");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);
        return event.id();
    }

    /** The ids of the stored events of {@code subject}, once there are {@code count} of them (never more). */
    private static List<String> awaitStored(String subject, int count) {
        List<String> ids = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(
                () -> asAuditor().queryParam("subject", subject).queryParam("limit", "100").get("/api/v1/audit/events")
                        .then().statusCode(200).extract().jsonPath().getList("items.id", String.class),
                found -> found.size() >= count);
        assertThat(ids).hasSize(count);
        return ids;
    }

    /** A connection to the same server's maintenance database: the service's own database is about to refuse them. */
    private Connection connectToMaintenanceDatabase() throws SQLException {
        return AuditDatabase.connectTo("postgres");
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
