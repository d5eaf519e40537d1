package dev.polity.devstack.kafka;

import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Entry point of the broker JVM that {@link KafkaBroker} launches: formats the KRaft storage (once), runs a
 * combined broker+controller exactly as {@code kafka.Kafka} does, creates the requested topics and prints
 * {@link #READY_MARKER}. It exits by itself when the JVM that launched it dies, so a test JVM killed with
 * SIGKILL (or by a surefire timeout) does not leave a broker behind.
 *
 * <p>Arguments: {@code <parent pid> <server.properties> <topics.properties> <bootstrap servers>}.
 */
public final class BrokerMain {

    /** The line the parent waits for; the bootstrap servers follow it. */
    public static final String READY_MARKER = "POLITY-DEVSTACK-KAFKA-READY ";

    private static final Duration TOPIC_TIMEOUT = Duration.ofSeconds(50);

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            System.err.println("usage: BrokerMain <parent pid> <server.properties> <topics.properties> <bootstrap servers>");
            System.exit(2);
        }
        long parentPid = Long.parseLong(args[0]);
        Path serverProperties = Path.of(args[1]);
        Path topicsFile = Path.of(args[2]);
        String bootstrapServers = args[3];

        exitWhenParentDies(parentPid);

        formatStorageOnce(serverProperties);

        // kafka.Kafka.main blocks until shutdown, installs the shutdown hook that stops the server cleanly on
        // SIGTERM or System.exit, and exits the JVM with code 1 if start-up fails.
        Thread server = new Thread(() -> kafka.Kafka.main(new String[] {serverProperties.toString()}), "kafka-main");
        server.start();

        try {
            awaitListening(bootstrapServers, Duration.ofSeconds(50));
            TopicCreator.createAll(bootstrapServers, TopicRequest.read(topicsFile), TOPIC_TIMEOUT, System.out);
        } catch (Exception e) {
            // Exit rather than leave a broker without its topics running: the parent reports the log at once
            // instead of waiting for its timeout.
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println(READY_MARKER + bootstrapServers);
        System.out.flush();
    }

    /**
     * Formats the KRaft storage with a fresh cluster id, unless a previous run in a persistent work directory
     * did already: that storage keeps its cluster id and data (formatting again with another id fails).
     */
    private static void formatStorageOnce(Path serverProperties) throws IOException {
        Properties server = new Properties();
        try (Reader reader = Files.newBufferedReader(serverProperties, StandardCharsets.UTF_8)) {
            server.load(reader);
        }
        if (Files.isRegularFile(Path.of(server.getProperty("log.dirs")).resolve("meta.properties"))) {
            return;
        }
        int formatted = kafka.tools.StorageTool.execute(new String[] {"format",
                "-t", org.apache.kafka.common.Uuid.randomUuid().toString(), "-c", serverProperties.toString()},
                System.out);
        if (formatted != 0) {
            System.err.println("Formatting the KRaft storage failed with code " + formatted);
            System.exit(1);
        }
    }

    /**
     * Waits until the broker's listener accepts connections, so the Admin client does not fill the log with
     * "connection could not be established" warnings while the server is still starting.
     */
    private static void awaitListening(String bootstrapServers, Duration timeout) {
        int colon = bootstrapServers.lastIndexOf(':');
        InetSocketAddress address = new InetSocketAddress(bootstrapServers.substring(0, colon),
                Integer.parseInt(bootstrapServers.substring(colon + 1)));
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket socket = new Socket()) {
                socket.connect(address, 1_000);
                return;
            } catch (IOException notYet) {
                sleep(50);
            }
        }
        // Let the Admin client report what is wrong.
    }

    /**
     * Polls the parent; once it is gone, exits (running Kafka's shutdown hook). The start instant guards
     * against the pid being reused by an unrelated process. If the clean shutdown hangs, halts after 20 s.
     */
    private static void exitWhenParentDies(long parentPid) {
        Optional<Instant> parentStart = ProcessHandle.of(parentPid).flatMap(parent -> parent.info().startInstant());
        Thread watchdog = new Thread(() -> {
            while (true) {
                Optional<ProcessHandle> parent = ProcessHandle.of(parentPid).filter(ProcessHandle::isAlive);
                boolean sameParent = parent.isPresent()
                        && (parentStart.isEmpty() || parent.get().info().startInstant().equals(parentStart));
                if (!sameParent) {
                    System.out.println("Parent process " + parentPid + " is gone; shutting the broker down");
                    Thread halter = new Thread(() -> {
                        sleep(TimeUnit.SECONDS.toMillis(20));
                        Runtime.getRuntime().halt(1);
                    }, "halt-if-shutdown-hangs");
                    halter.setDaemon(true);
                    halter.start();
                    System.exit(0);
                }
                sleep(500);
            }
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
