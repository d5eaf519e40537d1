package dev.polity.devstack;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest} at the devstack Kafka and PostgreSQL:
 *
 * <pre>{@code
 * @QuarkusTest
 * @QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
 * class ModelResourceTest { ... }
 * }</pre>
 *
 * <p>Init args: {@code database} (default {@code polity}) is created if missing; {@code postgres=false} or
 * {@code kafka=false} leave that server out (policy-service and the gateway have no database).
 *
 * <p>One Kafka broker and one PostgreSQL per JVM, started on first use and stopped by a shutdown hook, so all
 * test classes of a module share them, whichever Quarkus application restarts happen in between. The
 * addresses are also kept in system properties: Quarkus may load this class again in another class loader
 * (a new test profile), and that copy must find the servers instead of starting a second set.
 */
public class DevstackTestResource implements QuarkusTestResourceLifecycleManager {

    public static final String DATABASE_ARG = "database";
    public static final String POSTGRES_ARG = "postgres";
    public static final String KAFKA_ARG = "kafka";
    public static final String DEFAULT_DATABASE = "polity";

    private static final String SHARED = "polity.devstack.shared.";
    private static final String SHARED_KAFKA = SHARED + "kafka.bootstrap-servers";
    private static final String SHARED_POSTGRES_HOST = SHARED + "postgres.host";
    private static final String SHARED_POSTGRES_PORT = SHARED + "postgres.port";
    private static final String SHARED_POSTGRES_USER = SHARED + "postgres.username";
    private static final String SHARED_POSTGRES_PASSWORD = SHARED + "postgres.password";

    private String database = DEFAULT_DATABASE;
    private boolean withPostgres = true;
    private boolean withKafka = true;

    @Override
    public void init(Map<String, String> initArgs) {
        database = initArgs.getOrDefault(DATABASE_ARG, DEFAULT_DATABASE);
        withPostgres = Boolean.parseBoolean(initArgs.getOrDefault(POSTGRES_ARG, "true"));
        withKafka = Boolean.parseBoolean(initArgs.getOrDefault(KAFKA_ARG, "true"));
    }

    @Override
    public Map<String, String> start() {
        ensureStarted(withKafka, withPostgres);
        Map<String, String> config = new LinkedHashMap<>();
        // Dev Services would try to start containers (and fail: these machines have no Docker engine).
        config.put("quarkus.devservices.enabled", "false");
        config.put("quarkus.kafka.devservices.enabled", "false");
        config.put("quarkus.datasource.devservices.enabled", "false");
        if (withKafka) {
            config.put("kafka.bootstrap.servers", System.getProperty(SHARED_KAFKA));
        }
        if (withPostgres) {
            PostgresEndpoint postgres = sharedPostgres();
            postgres.createDatabase(database);
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl(database));
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl(database));
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
        }
        return config;
    }

    /** Nothing: the servers are shared by every test class in this JVM and stop when it exits. */
    @Override
    public void stop() {
    }

    /**
     * Starts what is still missing, in one {@link Devstack} so that Kafka and PostgreSQL start in parallel.
     * Synchronised per class loader; test classes in one JVM start one after another, so two class loaders
     * never race here.
     */
    private static synchronized void ensureStarted(boolean kafka, boolean postgres) {
        boolean startKafka = kafka && System.getProperty(SHARED_KAFKA) == null;
        boolean startPostgres = postgres && System.getProperty(SHARED_POSTGRES_PORT) == null;
        if (!startKafka && !startPostgres) {
            return;
        }
        Devstack devstack = Devstack.start(DevstackOptions.builder().kafka(startKafka).postgres(startPostgres).build());
        Runtime.getRuntime().addShutdownHook(new Thread(devstack::close, "polity-devstack-shutdown"));
        if (startKafka) {
            System.setProperty(SHARED_KAFKA, devstack.kafkaBootstrapServers());
        }
        if (startPostgres) {
            PostgresEndpoint endpoint = devstack.postgres();
            System.setProperty(SHARED_POSTGRES_HOST, endpoint.host());
            System.setProperty(SHARED_POSTGRES_USER, endpoint.username());
            System.setProperty(SHARED_POSTGRES_PASSWORD, endpoint.password());
            System.setProperty(SHARED_POSTGRES_PORT, String.valueOf(endpoint.port()));
        }
    }

    private static PostgresEndpoint sharedPostgres() {
        return new PostgresEndpoint(System.getProperty(SHARED_POSTGRES_HOST),
                Integer.parseInt(System.getProperty(SHARED_POSTGRES_PORT)),
                System.getProperty(SHARED_POSTGRES_USER), System.getProperty(SHARED_POSTGRES_PASSWORD));
    }
}
