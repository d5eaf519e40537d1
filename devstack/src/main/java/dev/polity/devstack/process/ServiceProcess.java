package dev.polity.devstack.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A packaged Quarkus application ({@code target/quarkus-app/quarkus-run.jar}) running as a child process of
 * this JVM: the local federation launcher starts each service this way, and crash tests kill one with
 * {@link #kill()} to watch the others cope.
 *
 * <p>The working directory is the log file's directory, so relative paths in a service's configuration (its
 * bundle file, its spool) land next to its log.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ServiceProcess.class.getName());
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final int LOG_LINES_IN_ERRORS = 40;

    private final String name;
    private final Process process;
    private final Path logFile;
    private final Thread shutdownHook;

    private ServiceProcess(String name, Process process, Path logFile) {
        this.name = name;
        this.process = process;
        this.logFile = logFile;
        // A launcher stopped with Ctrl-C must not leave its services running.
        this.shutdownHook = new Thread(() -> ChildProcesses.stop(process, STOP_GRACE), "polity-stop-" + name);
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** Enough for any Polity service in tests and the local federation, small enough to run all of them at once. */
    private static final String DEFAULT_HEAP = "-Xmx256m";

    /**
     * Starts {@code java -Xmx256m -D<key>=<value>... -jar quarkusRunJar} on the JDK running this JVM, sends its
     * stdout and stderr to {@code logFile}, and returns once {@code readinessUrl} answers 200.
     *
     * @throws IllegalStateException with the last 40 log lines when the service exits early or is not ready
     *                               within {@code timeout}; the process is stopped in that case
     */
    public static ServiceProcess start(String name, Path quarkusRunJar, Map<String, String> systemProperties,
                                       Path logFile, URI readinessUrl, Duration timeout) {
        return start(name, quarkusRunJar, List.of(DEFAULT_HEAP), systemProperties, logFile, readinessUrl, timeout);
    }

    /**
     * As {@link #start(String, Path, Map, Path, URI, Duration)}, with these JVM options instead of
     * {@code -Xmx256m}: benchmarks give a service the heap its chart gives it.
     */
    public static ServiceProcess start(String name, Path quarkusRunJar, List<String> jvmOptions, Map<String, String> systemProperties,
                                       Path logFile, URI readinessUrl, Duration timeout) {
        if (!Files.isRegularFile(quarkusRunJar)) {
            throw new IllegalArgumentException("Cannot start " + name + ": " + quarkusRunJar
                    + " does not exist. Package the service first (./mvnw package -pl <module>).");
        }
        List<String> command = new ArrayList<>();
        command.add(ChildProcesses.currentJava());
        command.addAll(jvmOptions);
        // JBoss Threads resets thread locals reflectively; on Java 24+ that needs java.lang opened.
        command.add("--add-opens=java.base/java.lang=ALL-UNNAMED");
        // Sorted so that the command line in `ps` reads the same every run.
        new TreeMap<>(systemProperties).forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(quarkusRunJar.toAbsolutePath().toString());

        Process process;
        long startedAt = System.nanoTime();
        try {
            Path directory = logFile.toAbsolutePath().getParent();
            Files.createDirectories(directory);
            process = new ProcessBuilder(command)
                    .directory(directory.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start " + name + " (" + String.join(" ", command) + ")", e);
        }
        ServiceProcess service = new ServiceProcess(name, process, logFile);
        try {
            service.awaitReady(readinessUrl, timeout);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
        LOG.log(System.Logger.Level.INFO, "{0} ready at {1} in {2} ms (pid {3}, log {4})", name, readinessUrl,
                Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), String.valueOf(process.pid()), logFile);
        return service;
    }

    private void awaitReady(URI readinessUrl, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(readinessUrl).timeout(Duration.ofSeconds(5)).GET().build();
            int lastStatus = -1;
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException(name + " exited with code " + process.exitValue()
                            + " before " + readinessUrl + " answered 200. Last lines of " + logFile + ":"
                            + System.lineSeparator() + LogFiles.lastLines(logFile, LOG_LINES_IN_ERRORS));
                }
                try {
                    lastStatus = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (lastStatus == 200) {
                        return;
                    }
                } catch (ConnectException notListeningYet) {
                    // The HTTP server is not up yet.
                } catch (IOException e) {
                    // Reset or timed out while the application is still starting.
                }
                Thread.sleep(250);
            }
            throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s: "
                    + readinessUrl + (lastStatus < 0 ? " never answered" : " last answered " + lastStatus)
                    + ". Last lines of " + logFile + ":" + System.lineSeparator()
                    + LogFiles.lastLines(logFile, LOG_LINES_IN_ERRORS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for " + name, e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public Path logFile() {
        return logFile;
    }

    public boolean isAlive() {
        return ChildProcesses.isRunning(process.toHandle());
    }

    /** SIGTERM (Quarkus shuts down gracefully), then SIGKILL for it and its descendants after 10 s. */
    public void stop() {
        ChildProcesses.stop(process, STOP_GRACE);
        removeShutdownHook();
    }

    /** SIGKILL without warning, as a crash would: for tests of what the other services do then. */
    public void kill() {
        ChildProcesses.kill(process.toHandle());
        removeShutdownHook();
    }

    @Override
    public void close() {
        stop();
    }

    private void removeShutdownHook() {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook is running or about to; it stops an already stopped process harmlessly.
        }
    }

    @Override
    public String toString() {
        return "ServiceProcess[" + name + ", pid " + process.pid() + "]";
    }
}
