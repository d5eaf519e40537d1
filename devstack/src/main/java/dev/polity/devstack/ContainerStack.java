package dev.polity.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.PostgreSQLContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * CONTAINERS mode: Kafka and PostgreSQL in containers started by Testcontainers. Kept in its own class so
 * that the other modes never load Testcontainers.
 */
final class ContainerStack implements AutoCloseable {

    /** The same Kafka version as the clients the services use (the root pom's kafka.version). */
    private static final String KAFKA_IMAGE = "apache/kafka:" + kafkaVersion();
    private static final String POSTGRES_IMAGE = "postgres:15-alpine";

    private final KafkaContainer kafka;
    private final PostgreSQLContainer<?> postgres;

    private ContainerStack(KafkaContainer kafka, PostgreSQLContainer<?> postgres) {
        this.kafka = kafka;
        this.postgres = postgres;
    }

    static ContainerStack start(boolean withKafka, boolean withPostgres) {
        requireDocker();
        KafkaContainer kafka = null;
        PostgreSQLContainer<?> postgres = null;
        try {
            if (withKafka) {
                kafka = new KafkaContainer(DockerImageName.parse(KAFKA_IMAGE));
                kafka.start();
            }
            if (withPostgres) {
                postgres = new PostgreSQLContainer<>(DockerImageName.parse(POSTGRES_IMAGE))
                        .withUsername("postgres").withPassword("postgres").withDatabaseName("postgres");
                postgres.start();
            }
            return new ContainerStack(kafka, postgres);
        } catch (RuntimeException e) {
            if (kafka != null) {
                kafka.stop();
            }
            if (postgres != null) {
                postgres.stop();
            }
            throw e;
        }
    }

    /** Fails with a message that says what to do instead, rather than Testcontainers' own stack trace. */
    static void requireDocker() {
        boolean available;
        try {
            available = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            available = false;
        }
        if (!available) {
            throw new IllegalStateException(DevstackMode.ENVIRONMENT_VARIABLE + "=" + DevstackMode.CONTAINERS
                    + " needs a Docker engine, but Testcontainers found none reachable (DOCKER_HOST, "
                    + "/var/run/docker.sock, ~/.testcontainers.properties). Start a Docker engine, or unset "
                    + DevstackMode.ENVIRONMENT_VARIABLE + " to use " + DevstackMode.PROCESS
                    + " mode (Kafka and PostgreSQL as local processes, no Docker), or set it to "
                    + DevstackMode.EXTERNAL + " to use servers that already run.");
        }
    }

    String kafkaBootstrapServers() {
        return kafka.getBootstrapServers();
    }

    PostgresEndpoint postgres() {
        return new PostgresEndpoint(postgres.getHost(), postgres.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                postgres.getUsername(), postgres.getPassword());
    }

    @Override
    public void close() {
        if (kafka != null) {
            kafka.stop();
        }
        if (postgres != null) {
            postgres.stop();
        }
    }

    private static String kafkaVersion() {
        try (InputStream in = ContainerStack.class.getResourceAsStream("/dev/polity/devstack/versions.properties")) {
            Properties versions = new Properties();
            if (in != null) {
                versions.load(in);
            }
            return versions.getProperty("kafka.version", "4.1.1");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
