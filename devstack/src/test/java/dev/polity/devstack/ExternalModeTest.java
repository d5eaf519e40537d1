package dev.polity.devstack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** EXTERNAL mode against real servers is covered in {@link ProcessModeTest}; these need no server. */
class ExternalModeTest {

    private static final DevstackOptions EXTERNAL = DevstackOptions.builder()
            .mode(DevstackMode.EXTERNAL).topics(List.of()).build();

    @Test
    void namesTheMissingKafkaVariable() {
        assertThatThrownBy(() -> Devstack.start(EXTERNAL, Map.<String, String>of()::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the environment variable POLITY_KAFKA_BOOTSTRAP_SERVERS");
    }

    @Test
    void namesTheMissingPostgresVariable() {
        Map<String, String> environment = Map.of("POLITY_POSTGRES_HOST", "db.example", "POLITY_POSTGRES_PORT", "5432",
                "POLITY_POSTGRES_USER", "polity");
        DevstackOptions postgresOnly = DevstackOptions.builder().mode(DevstackMode.EXTERNAL).kafka(false).build();

        assertThatThrownBy(() -> Devstack.start(postgresOnly, environment::get))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("needs the environment variable POLITY_POSTGRES_PASSWORD");
    }

    @Test
    void rejectsAPortThatIsNotANumber() {
        Map<String, String> environment = Map.of("POLITY_POSTGRES_HOST", "db.example", "POLITY_POSTGRES_PORT", "five",
                "POLITY_POSTGRES_USER", "polity", "POLITY_POSTGRES_PASSWORD", "secret");
        DevstackOptions postgresOnly = DevstackOptions.builder().mode(DevstackMode.EXTERNAL).kafka(false).build();

        assertThatThrownBy(() -> Devstack.start(postgresOnly, environment::get))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POLITY_POSTGRES_PORT='five' is not a port number");
    }
}
