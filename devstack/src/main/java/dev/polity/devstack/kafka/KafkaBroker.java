package dev.polity.devstack.kafka;

import dev.polity.contracts.TopicSpec;
import dev.polity.devstack.process.ChildProcesses;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.LogFiles;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A real single-node Kafka broker (KRaft, combined broker and controller) in a child JVM.
 *
 * <p>Why a child JVM and not in-process: the services' Quarkus test classpath must not get Kafka's server
 * jars, Scala or a log4j binding, and a child can outlive neither a clean shutdown nor a SIGKILL of this JVM
 * ({@link BrokerMain} watches its parent).
 *
 * <p>Directory layout: {@code server.properties}, {@code topics.properties}, {@code ports.properties}
 * (so a restart on the same directory keeps the same address when it can), {@code data/}, {@code broker.log}.
 */
public final class KafkaBroker implements AutoCloseable {

    /** Passed to the Kafka JVMs: WARN and above, plus the "Kafka Server started" line. */
    static final String LOG4J_CONFIGURATION = "classpath:dev/polity/devstack/kafka/broker-log4j2.xml";

    private static final System.Logger LOG = System.getLogger(KafkaBroker.class.getName());
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int BIND_ATTEMPTS = 3;
    private static final int LOG_LINES_IN_ERRORS = 30;

    /**
     * The broker JVM for tests and the local federation: a small heap and only the C1 compiler, which starts
     * the broker in a few seconds and is plenty for test traffic.
     */
    public static final List<String> TEST_JVM_OPTIONS = List.of("-Xms64m", "-Xmx512m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Djava.awt.headless=true");

    /**
     * The broker JVM for benchmarks: what Kafka's own start scripts give a broker (1 GB heap, G1 with 20 ms
     * pauses, full tiered compilation). With C1 only, the broker took about a fifth of the CPU of a
     * decision-throughput run that it would not take in production.
     */
    public static final List<String> SERVER_JVM_OPTIONS = List.of("-Xms1g", "-Xmx1g", "-XX:+UseG1GC",
            "-XX:MaxGCPauseMillis=20", "-XX:InitiatingHeapOccupancyPercent=35", "-Djava.awt.headless=true");

    private final Process process;
    private final String bootstrapServers;
    private final Path logFile;
    private final Thread shutdownHook;
    private boolean closed;

    private KafkaBroker(Process process, String bootstrapServers, Path logFile) {
        this.process = process;
        this.bootstrapServers = bootstrapServers;
        this.logFile = logFile;
        this.shutdownHook = new Thread(this::stopProcess, "polity-stop-kafka");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Starts a broker whose data and log live in {@code directory}, creates {@code topics} (with their configs)
     * and returns once it accepts clients.
     *
     * @throws IllegalStateException with the last lines of the broker log when it is not ready within 60 s
     */
    public static KafkaBroker start(Path directory, List<TopicSpec> topics) {
        return start(directory, topics, TEST_JVM_OPTIONS);
    }

    /** As {@link #start(Path, List)}, with these options for the broker's JVM ({@link #SERVER_JVM_OPTIONS} for benchmarks). */
    public static KafkaBroker start(Path directory, List<TopicSpec> topics, List<String> jvmOptions) {
        long startedAt = System.nanoTime();
        try {
            Files.createDirectories(directory);
            Path topicsFile = directory.resolve("topics.properties");
            TopicRequest.write(topicsFile, KafkaTopics.toRequests(topics));
            String classpath = BrokerClasspath.resolve();
            for (int attempt = 1; ; attempt++) {
                Ports ports = Ports.forDirectory(directory, attempt > 1);
                Path serverProperties = writeServerProperties(directory, ports);
                Path logFile = directory.resolve("broker.log");
                String bootstrapServers = "127.0.0.1:" + ports.broker();
                List<String> command = new ArrayList<>(javaCommand(jvmOptions));
                command.addAll(List.of("-cp", classpath, BrokerMain.class.getName(),
                        String.valueOf(ProcessHandle.current().pid()), serverProperties.toString(),
                        topicsFile.toString(), bootstrapServers));
                Process process = new ProcessBuilder(command)
                        .directory(directory.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(logFile.toFile())
                        .start();
                KafkaBroker broker = new KafkaBroker(process, bootstrapServers, logFile);
                try {
                    broker.awaitReady();
                } catch (PortTakenException e) {
                    broker.close();
                    if (attempt < BIND_ATTEMPTS) {
                        continue;
                    }
                    throw new IllegalStateException(e.getMessage());
                } catch (RuntimeException e) {
                    broker.close();
                    throw e;
                }
                LOG.log(System.Logger.Level.INFO, "Kafka broker ready at {0} in {1} ms (pid {2}, log {3})",
                        bootstrapServers, Duration.ofNanos(System.nanoTime() - startedAt).toMillis(),
                        String.valueOf(process.pid()), logFile);
                return broker;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the Kafka broker in " + directory, e);
        }
    }

    /**
     * {@code java} with {@code options} and what every Kafka JVM needs: our log4j configuration (without
     * log4j's own shutdown hook, which would silence Kafka's clean-shutdown messages), and on newer JDKs the
     * permissions Kafka's compression libraries and buffer unmapping use, which otherwise print warnings.
     */
    static List<String> javaCommand(List<String> options) {
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.currentJava());
        command.addAll(options);
        command.add("-Dlog4j2.configurationFile=" + LOG4J_CONFIGURATION);
        command.add("-Dlog4j2.shutdownHookEnabled=false");
        command.add("--enable-native-access=ALL-UNNAMED");
        if (Runtime.version().feature() >= 23) {
            command.add("--sun-misc-unsafe-memory-access=allow");
        }
        return command;
    }

    private void awaitReady() {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try {
            while (System.nanoTime() < deadline) {
                if (LogFiles.containsLineStartingWith(logFile, BrokerMain.READY_MARKER)) {
                    return;
                }
                if (!process.isAlive()) {
                    String tail = LogFiles.lastLines(logFile, LOG_LINES_IN_ERRORS);
                    String message = "The Kafka broker exited with code " + process.exitValue()
                            + " before it was ready. Last lines of " + logFile + ":" + System.lineSeparator() + tail;
                    if (tail.contains("Address already in use")) {
                        throw new PortTakenException(message);
                    }
                    throw new IllegalStateException(message);
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the Kafka broker", e);
        }
        throw new IllegalStateException("The Kafka broker was not ready within " + READY_TIMEOUT.toSeconds()
                + " s. Last lines of " + logFile + ":" + System.lineSeparator()
                + LogFiles.lastLines(logFile, LOG_LINES_IN_ERRORS));
    }

    private static Path writeServerProperties(Path directory, Ports ports) throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("node.id", "1");
        settings.put("process.roles", "broker,controller");
        settings.put("listeners", "PLAINTEXT://127.0.0.1:" + ports.broker() + ",CONTROLLER://127.0.0.1:" + ports.controller());
        settings.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + ports.broker());
        settings.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        settings.put("controller.listener.names", "CONTROLLER");
        settings.put("inter.broker.listener.name", "PLAINTEXT");
        settings.put("controller.quorum.voters", "1@127.0.0.1:" + ports.controller());
        settings.put("log.dirs", directory.resolve("data").toAbsolutePath().toString());
        // One node: every internal topic must have replication factor 1, or consumer groups and
        // transactions never work (the broker keeps waiting for replicas that do not exist).
        settings.put("default.replication.factor", "1");
        settings.put("offsets.topic.replication.factor", "1");
        settings.put("transaction.state.log.replication.factor", "1");
        settings.put("transaction.state.log.min.isr", "1");
        settings.put("share.coordinator.state.topic.replication.factor", "1");
        settings.put("share.coordinator.state.topic.min.isr", "1");
        // One partition per internal topic instead of 50: creating 50 partitions when the first consumer
        // group forms costs seconds on two cores and buys nothing on a single node.
        settings.put("offsets.topic.num.partitions", "1");
        settings.put("transaction.state.log.num.partitions", "1");
        settings.put("share.coordinator.state.topic.num.partitions", "1");
        // Tests start consumers and expect them to join at once, not after the default 3 s delay.
        settings.put("group.initial.rebalance.delay.ms", "0");
        // The log cleaner (compacted topics) allocates its dedupe buffer on the heap up front: 128 MiB by default.
        settings.put("log.cleaner.dedupe.buffer.size", String.valueOf(16 * 1024 * 1024));
        settings.put("num.network.threads", "2");
        settings.put("num.io.threads", "2");
        settings.put("num.recovery.threads.per.data.dir", "1");

        Path file = directory.resolve("server.properties");
        Properties properties = new Properties();
        properties.putAll(settings);
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "Single-node KRaft broker started by Polity devstack");
        }
        return file;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public long pid() {
        return process.pid();
    }

    public ProcessHandle processHandle() {
        return process.toHandle();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return ChildProcesses.isRunning(process.toHandle());
    }

    /** Stops the broker (SIGTERM: Kafka shuts down cleanly; SIGKILL after 10 s) and waits until it is gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stoppingAt = System.nanoTime();
        stopProcess();
        LOG.log(System.Logger.Level.INFO, "Kafka broker stopped in {0} ms",
                Duration.ofNanos(System.nanoTime() - stoppingAt).toMillis());
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook runs now or soon; stopping a stopped process is harmless.
        }
    }

    private void stopProcess() {
        ChildProcesses.stop(process, STOP_GRACE);
    }

    /** The broker and controller ports; reused from the previous run in the same directory while they are free. */
    private record Ports(int broker, int controller) {

        static Ports forDirectory(Path directory, boolean forceNew) throws IOException {
            Path file = directory.resolve("ports.properties");
            if (!forceNew && Files.isRegularFile(file)) {
                Properties previous = new Properties();
                try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    previous.load(reader);
                }
                Ports ports = new Ports(Integer.parseInt(previous.getProperty("broker")),
                        Integer.parseInt(previous.getProperty("controller")));
                if (isFree(ports.broker()) && isFree(ports.controller())) {
                    return ports;
                }
            }
            int broker = FreePorts.pick();
            int controller = FreePorts.pick();
            while (controller == broker) {
                controller = FreePorts.pick();
            }
            Ports ports = new Ports(broker, controller);
            Properties current = new Properties();
            current.setProperty("broker", String.valueOf(broker));
            current.setProperty("controller", String.valueOf(controller));
            try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                current.store(writer, "Ports of the devstack Kafka broker");
            }
            return ports;
        }

        private static boolean isFree(int port) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return true;
            } catch (IOException e) {
                return false;
            }
        }
    }

    /** The broker died because one of its ports was taken between picking and binding it: worth another try. */
    private static final class PortTakenException extends RuntimeException {
        PortTakenException(String message) {
            super(message);
        }
    }
}
