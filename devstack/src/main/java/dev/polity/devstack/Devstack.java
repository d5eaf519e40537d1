package dev.polity.devstack;

import dev.polity.contracts.TopicSpec;
import dev.polity.devstack.kafka.KafkaBroker;
import dev.polity.devstack.kafka.KafkaTopics;
import dev.polity.devstack.postgres.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;

/**
 * A Kafka broker and a PostgreSQL server for tests and the local launcher: started as local processes
 * ({@link DevstackMode#PROCESS}, the default), found through environment variables
 * ({@link DevstackMode#EXTERNAL}), or started as containers ({@link DevstackMode#CONTAINERS}). In every mode the
 * requested topics are created with their configs.
 *
 * <pre>{@code
 * try (Devstack devstack = Devstack.start(DevstackOptions.defaults())) {
 *     devstack.createDatabase("registry");
 *     String kafka = devstack.kafkaBootstrapServers();
 *     String jdbc = devstack.postgres().jdbcUrl("registry");
 * }
 * }</pre>
 */
public final class Devstack implements AutoCloseable {

    public static final String KAFKA_BOOTSTRAP_SERVERS_VARIABLE = "POLITY_KAFKA_BOOTSTRAP_SERVERS";
    public static final String POSTGRES_HOST_VARIABLE = "POLITY_POSTGRES_HOST";
    public static final String POSTGRES_PORT_VARIABLE = "POLITY_POSTGRES_PORT";
    public static final String POSTGRES_USER_VARIABLE = "POLITY_POSTGRES_USER";
    public static final String POSTGRES_PASSWORD_VARIABLE = "POLITY_POSTGRES_PASSWORD";

    private static final System.Logger LOG = System.getLogger(Devstack.class.getName());

    private final DevstackMode mode;
    private final Path workDirectory;
    private final boolean deleteWorkDirectoryOnClose;
    private final String kafkaBootstrapServers;
    private final PostgresEndpoint postgres;
    private final KafkaBroker kafkaBroker;
    private final PostgresServer postgresServer;
    private final ContainerStack containers;
    private boolean closed;

    private Devstack(DevstackMode mode, Path workDirectory, boolean deleteWorkDirectoryOnClose,
                     String kafkaBootstrapServers, PostgresEndpoint postgres, KafkaBroker kafkaBroker,
                     PostgresServer postgresServer, ContainerStack containers) {
        this.mode = mode;
        this.workDirectory = workDirectory;
        this.deleteWorkDirectoryOnClose = deleteWorkDirectoryOnClose;
        this.kafkaBootstrapServers = kafkaBootstrapServers;
        this.postgres = postgres;
        this.kafkaBroker = kafkaBroker;
        this.postgresServer = postgresServer;
        this.containers = containers;
    }

    /**
     * Starts (or, in EXTERNAL mode, connects to) what {@code options} asks for and creates its topics.
     *
     * @throws IllegalStateException   saying what is missing (binaries, variables, a Docker engine) or why a
     *                                 server did not start, with the end of its log
     * @throws IllegalArgumentException when an EXTERNAL-mode variable has an invalid value
     */
    public static Devstack start(DevstackOptions options) {
        return start(options, System::getenv);
    }

    /** As {@link #start(DevstackOptions)}, reading EXTERNAL-mode variables from {@code environment}. */
    static Devstack start(DevstackOptions options, Function<String, String> environment) {
        long startedAt = System.nanoTime();
        boolean temporary = options.workDirectory().isEmpty();
        Path workDirectory = options.workDirectory().orElseGet(WorkDirectory::createTemporary).toAbsolutePath();
        try {
            Files.createDirectories(workDirectory);
            Devstack devstack = switch (options.mode()) {
                case PROCESS -> startProcesses(options, workDirectory, temporary);
                case EXTERNAL -> connectExternal(options, workDirectory, temporary, environment);
                case CONTAINERS -> startContainers(options, workDirectory, temporary);
            };
            LOG.log(System.Logger.Level.INFO, "Devstack ({0}) ready in {1} ms: kafka {2}, postgres {3}, work directory {4}",
                    options.mode(), Duration.ofNanos(System.nanoTime() - startedAt).toMillis(),
                    devstack.kafkaBootstrapServers == null ? "-" : devstack.kafkaBootstrapServers,
                    devstack.postgres == null ? "-" : devstack.postgres.host() + ":" + devstack.postgres.port(),
                    workDirectory);
            return devstack;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the work directory " + workDirectory, e);
        } catch (RuntimeException e) {
            if (temporary) {
                WorkDirectory.delete(workDirectory);
            }
            throw e;
        }
    }

    /** Kafka and PostgreSQL start in parallel: each spends most of its start-up waiting on its own process. */
    private static Devstack startProcesses(DevstackOptions options, Path workDirectory, boolean temporary) {
        CompletableFuture<KafkaBroker> kafka = options.kafka()
                ? CompletableFuture.supplyAsync(() -> KafkaBroker.start(workDirectory.resolve("kafka"), options.topics(), options.kafkaJvmOptions()),
                        Devstack::runOnNewThread)
                : CompletableFuture.completedFuture(null);
        CompletableFuture<PostgresServer> postgres = options.postgres()
                ? CompletableFuture.supplyAsync(() -> PostgresServer.start(workDirectory.resolve("postgres")),
                        Devstack::runOnNewThread)
                : CompletableFuture.completedFuture(null);
        KafkaBroker broker = null;
        PostgresServer server = null;
        RuntimeException failure = null;
        try {
            broker = kafka.join();
        } catch (CompletionException e) {
            failure = unwrap(e);
        }
        try {
            server = postgres.join();
        } catch (CompletionException e) {
            failure = failure == null ? unwrap(e) : addSuppressed(failure, unwrap(e));
        }
        if (failure != null) {
            if (broker != null) {
                broker.close();
            }
            if (server != null) {
                server.close();
            }
            throw failure;
        }
        return new Devstack(DevstackMode.PROCESS, workDirectory, temporary,
                broker == null ? null : broker.bootstrapServers(), server == null ? null : server.endpoint(),
                broker, server, null);
    }

    private static Devstack connectExternal(DevstackOptions options, Path workDirectory, boolean temporary,
                                            Function<String, String> environment) {
        String bootstrapServers = null;
        PostgresEndpoint postgres = null;
        if (options.kafka()) {
            bootstrapServers = required(environment, KAFKA_BOOTSTRAP_SERVERS_VARIABLE);
        }
        if (options.postgres()) {
            String port = required(environment, POSTGRES_PORT_VARIABLE);
            int portNumber;
            try {
                portNumber = Integer.parseInt(port.strip());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(POSTGRES_PORT_VARIABLE + "='" + port + "' is not a port number");
            }
            postgres = new PostgresEndpoint(required(environment, POSTGRES_HOST_VARIABLE), portNumber,
                    required(environment, POSTGRES_USER_VARIABLE), required(environment, POSTGRES_PASSWORD_VARIABLE));
        }
        if (bootstrapServers != null) {
            KafkaTopics.create(bootstrapServers, options.topics(), workDirectory.resolve("kafka"));
        }
        return new Devstack(DevstackMode.EXTERNAL, workDirectory, temporary, bootstrapServers, postgres, null, null, null);
    }

    private static Devstack startContainers(DevstackOptions options, Path workDirectory, boolean temporary) {
        ContainerStack containers = ContainerStack.start(options.kafka(), options.postgres());
        try {
            String bootstrapServers = options.kafka() ? containers.kafkaBootstrapServers() : null;
            if (bootstrapServers != null) {
                KafkaTopics.create(bootstrapServers, options.topics(), workDirectory.resolve("kafka"));
            }
            return new Devstack(DevstackMode.CONTAINERS, workDirectory, temporary, bootstrapServers,
                    options.postgres() ? containers.postgres() : null, null, null, containers);
        } catch (RuntimeException e) {
            containers.close();
            throw e;
        }
    }

    private static String required(Function<String, String> environment, String variable) {
        String value = environment.apply(variable);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(DevstackMode.ENVIRONMENT_VARIABLE + "=" + DevstackMode.EXTERNAL
                    + " needs the environment variable " + variable + ", which is not set. EXTERNAL mode reads "
                    + String.join(", ", KAFKA_BOOTSTRAP_SERVERS_VARIABLE, POSTGRES_HOST_VARIABLE, POSTGRES_PORT_VARIABLE,
                    POSTGRES_USER_VARIABLE, POSTGRES_PASSWORD_VARIABLE) + ".");
        }
        return value.strip();
    }

    public DevstackMode mode() {
        return mode;
    }

    public Path workDirectory() {
        return workDirectory;
    }

    /** {@code host:port} of the Kafka broker(s). */
    public String kafkaBootstrapServers() {
        if (kafkaBootstrapServers == null) {
            throw new IllegalStateException("This devstack was started without Kafka (DevstackOptions.kafka(false))");
        }
        return kafkaBootstrapServers;
    }

    public PostgresEndpoint postgres() {
        if (postgres == null) {
            throw new IllegalStateException("This devstack was started without PostgreSQL (DevstackOptions.postgres(false))");
        }
        return postgres;
    }

    /** Creates database {@code name} unless it exists; see {@link PostgresEndpoint#createDatabase(String)}. */
    public void createDatabase(String name) {
        postgres().createDatabase(name);
    }

    /** Creates more topics (those that exist already are left as they are). */
    public void createTopics(List<TopicSpec> topics) {
        KafkaTopics.create(kafkaBootstrapServers(), topics, workDirectory.resolve("kafka"));
    }

    /** The local processes this instance started (PROCESS mode), e.g. for tests that check none outlives {@link #close()}. */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> processes = new ArrayList<>();
        Optional.ofNullable(kafkaBroker).ifPresent(broker -> processes.add(broker.processHandle()));
        Optional.ofNullable(postgresServer).ifPresent(server -> processes.addAll(server.processes()));
        return processes;
    }

    /** Stops everything this instance started and deletes its work directory if it was a temporary one. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stoppingAt = System.nanoTime();
        // Stopped in parallel like they were started: a clean broker shutdown takes a few seconds on its own.
        CompletableFuture<Void> kafka = CompletableFuture.runAsync(() -> {
            if (kafkaBroker != null) {
                kafkaBroker.close();
            }
        }, Devstack::runOnNewThread);
        try {
            if (postgresServer != null) {
                postgresServer.close();
            }
            if (containers != null) {
                containers.close();
            }
        } finally {
            kafka.join();
            if (deleteWorkDirectoryOnClose) {
                WorkDirectory.delete(workDirectory);
            }
        }
        LOG.log(System.Logger.Level.INFO, "Devstack ({0}) stopped in {1} ms", mode,
                Duration.ofNanos(System.nanoTime() - stoppingAt).toMillis());
    }

    /**
     * Not the common fork-join pool: under Quarkus tests and in shutdown hooks it may be busy or unusable, and
     * these tasks block for seconds.
     */
    private static void runOnNewThread(Runnable task) {
        Thread thread = new Thread(task, "polity-devstack");
        thread.setDaemon(true);
        thread.start();
    }

    private static RuntimeException unwrap(CompletionException e) {
        return e.getCause() instanceof RuntimeException runtime ? runtime : e;
    }

    private static RuntimeException addSuppressed(RuntimeException first, RuntimeException second) {
        first.addSuppressed(second);
        return first;
    }
}
