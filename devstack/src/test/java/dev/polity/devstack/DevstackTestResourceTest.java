package dev.polity.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** Uses the resource the way Quarkus does: init with the annotation's args, then start for the config overrides. */
class DevstackTestResourceTest {

    @Test
    void pointsTheApplicationAtSharedKafkaAndItsOwnDatabase() throws Exception {
        Map<String, String> registry = started(Map.of("database", "registry_test"));
        Map<String, String> audit = started(Map.of("database", "audit_test"));

        assertThat(registry).containsEntry("quarkus.devservices.enabled", "false")
                .containsEntry("quarkus.kafka.devservices.enabled", "false")
                .containsEntry("quarkus.datasource.devservices.enabled", "false")
                .containsEntry("quarkus.datasource.username", "postgres")
                .containsKeys("kafka.bootstrap.servers", "quarkus.datasource.password");
        assertThat(registry.get("quarkus.datasource.jdbc.url")).startsWith("jdbc:postgresql://127.0.0.1:").endsWith("/registry_test");
        assertThat(registry.get("quarkus.datasource.reactive.url")).startsWith("postgresql://127.0.0.1:").endsWith("/registry_test");
        // One broker and one PostgreSQL per JVM, whatever the number of test classes.
        assertThat(audit.get("kafka.bootstrap.servers")).isEqualTo(registry.get("kafka.bootstrap.servers"));
        assertThat(audit.get("quarkus.datasource.jdbc.url")).isEqualTo(
                registry.get("quarkus.datasource.jdbc.url").replace("/registry_test", "/audit_test"));

        try (Connection connection = DriverManager.getConnection(registry.get("quarkus.datasource.jdbc.url"),
                registry.get("quarkus.datasource.username"), registry.get("quarkus.datasource.password"));
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select current_database()")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getString(1)).isEqualTo("registry_test");
        }
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                registry.get("kafka.bootstrap.servers")))) {
            assertThat(admin.describeCluster().nodes().get(30, TimeUnit.SECONDS)).hasSize(1);
        }
    }

    @Test
    void leavesPostgresOutForServicesWithoutADatabase() {
        Map<String, String> config = started(Map.of("postgres", "false"));

        assertThat(config).containsKey("kafka.bootstrap.servers")
                .doesNotContainKeys("quarkus.datasource.jdbc.url", "quarkus.datasource.reactive.url",
                        "quarkus.datasource.username", "quarkus.datasource.password");
    }

    private static Map<String, String> started(Map<String, String> initArgs) {
        DevstackTestResource resource = new DevstackTestResource();
        resource.init(initArgs);
        Map<String, String> config = resource.start();
        resource.stop();
        return config;
    }
}
