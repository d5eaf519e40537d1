package dev.polity.devstack.keycloak;

import dev.polity.devstack.process.ChildProcesses;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.LogFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Keycloak ({@code org.keycloak:keycloak-quarkus-dist}) in dev mode, with a realm imported at start,
 * for the local federation launcher. Too slow for tests (about 40 s on first start, 12 s after, on 2 cores):
 * tests use {@link dev.polity.devstack.oidc.OidcTestServer}, which has the same path layout.
 *
 * <p>The distribution is given as its {@code .tar.gz} (extracted once into a cache directory with {@code tar})
 * or as an extracted directory. Keycloak keeps its dev database and imported realms under its home
 * directory, so one extracted distribution serves one running Keycloak at a time.
 */
public final class KeycloakServer implements AutoCloseable {

    public static final String GROUP_PATH = "org/keycloak/keycloak-quarkus-dist";

    private static final System.Logger LOG = System.getLogger(KeycloakServer.class.getName());
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);
    private static final String EXTRACTED_MARKER = ".polity-extracted";

    private final Process process;
    private final Path home;
    private final int port;
    private final String realm;
    private final Path logFile;
    private final Thread shutdownHook;
    private boolean closed;

    private KeycloakServer(Process process, Path home, int port, String realm, Path logFile) {
        this.process = process;
        this.home = home;
        this.port = port;
        this.realm = realm;
        this.logFile = logFile;
        this.shutdownHook = new Thread(() -> ChildProcesses.stop(process, STOP_GRACE), "polity-stop-keycloak");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * What to start.
     *
     * @param distribution   the {@code keycloak-quarkus-dist} {@code .tar.gz}, or a directory with {@code bin/kc.sh}
     * @param cacheDirectory where a {@code .tar.gz} is extracted (once)
     * @param realmFile      realm export JSON, copied to {@code data/import/} and imported at start
     * @param realm          the realm's name, for the readiness check and {@link #issuer()}
     * @param httpPort       0 for a free port
     * @param logFile        Keycloak's stdout and stderr
     * @param startTimeout   how long to wait for the realm's discovery document
     */
    public record Options(Path distribution, Path cacheDirectory, Path realmFile, String realm, int httpPort,
                          String adminUsername, String adminPassword, Path logFile, Duration startTimeout) {

        public Options {
            Objects.requireNonNull(distribution, "distribution");
            Objects.requireNonNull(cacheDirectory, "cacheDirectory");
            Objects.requireNonNull(realmFile, "realmFile");
            Objects.requireNonNull(realm, "realm");
            Objects.requireNonNull(adminUsername, "adminUsername");
            Objects.requireNonNull(adminPassword, "adminPassword");
            Objects.requireNonNull(logFile, "logFile");
            Objects.requireNonNull(startTimeout, "startTimeout");
        }

        /** A free port, admin/admin, a 180 s start timeout, {@code keycloak.log} and the cache in {@code workDirectory}. */
        public static Options of(Path distribution, Path realmFile, String realm, Path workDirectory) {
            return new Options(distribution, workDirectory.resolve("cache"), realmFile, realm, 0, "admin", "admin",
                    workDirectory.resolve("keycloak.log"), Duration.ofSeconds(180));
        }

        public Options withHttpPort(int port) {
            return new Options(distribution, cacheDirectory, realmFile, realm, port, adminUsername, adminPassword,
                    logFile, startTimeout);
        }
    }

    /**
     * The distribution archive in the local Maven repository ({@code maven.repo.local} or {@code ~/.m2/repository}),
     * if a build has downloaded it.
     */
    public static Optional<Path> distributionInLocalMavenRepository(String version) {
        Path repository = Path.of(System.getProperty("maven.repo.local",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path archive = repository.resolve(GROUP_PATH).resolve(version)
                .resolve("keycloak-quarkus-dist-" + version + ".tar.gz");
        return Files.isRegularFile(archive) ? Optional.of(archive) : Optional.empty();
    }

    /**
     * Starts {@code bin/kc.sh start-dev --http-port=<port> --import-realm} and returns once the realm's
     * discovery document answers 200.
     *
     * @throws IllegalStateException with the end of the Keycloak log when it exits or is not ready in time
     */
    public static KeycloakServer start(Options options) {
        long startedAt = System.nanoTime();
        Path home = home(options.distribution(), options.cacheDirectory());
        int port = options.httpPort() == 0 ? FreePorts.pick() : options.httpPort();
        try {
            Path imports = Files.createDirectories(home.resolve("data").resolve("import"));
            Files.copy(options.realmFile(), imports.resolve(options.realmFile().getFileName()),
                    StandardCopyOption.REPLACE_EXISTING);
            Files.createDirectories(options.logFile().toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(home.resolve("bin").resolve("kc.sh").toString(), "start-dev",
                    "--http-port=" + port,
                    // Keycloak's management interface defaults to 9000, which something else may hold.
                    "--http-management-port=" + FreePorts.pick(),
                    "--import-realm")
                    .directory(home.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(options.logFile().toFile());
            Map<String, String> environment = builder.environment();
            environment.put("KC_BOOTSTRAP_ADMIN_USERNAME", options.adminUsername());
            environment.put("KC_BOOTSTRAP_ADMIN_PASSWORD", options.adminPassword());
            environment.put("JAVA_OPTS_KC_HEAP", "-Xms64m -Xmx384m");
            // The JDK running this JVM, not whatever java is first on the PATH.
            environment.put("JAVA_HOME", Path.of(ChildProcesses.currentJava()).getParent().getParent().toString());
            KeycloakServer server = new KeycloakServer(builder.start(), home, port, options.realm(), options.logFile());
            try {
                server.awaitReady(options.startTimeout());
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
            LOG.log(System.Logger.Level.INFO, "Keycloak ready at {0} in {1} ms (pid {2}, log {3})", server.issuer(),
                    Duration.ofNanos(System.nanoTime() - startedAt).toMillis(), String.valueOf(server.pid()),
                    options.logFile());
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start Keycloak from " + home, e);
        }
    }

    private void awaitReady(Duration timeout) {
        URI discovery = URI.create(issuer() + "/.well-known/openid-configuration");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest request = HttpRequest.newBuilder(discovery).timeout(Duration.ofSeconds(5)).GET().build();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Keycloak exited with code " + process.exitValue()
                            + " before " + discovery + " answered. Last lines of " + logFile + ":"
                            + System.lineSeparator() + LogFiles.lastLines(logFile, 40));
                }
                try {
                    if (client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return;
                    }
                } catch (ConnectException notListeningYet) {
                    // Still building or starting.
                } catch (IOException e) {
                    // Connection reset while starting.
                }
                Thread.sleep(500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for Keycloak", e);
        }
        throw new IllegalStateException("Keycloak was not ready within " + timeout.toSeconds() + " s (" + discovery
                + " did not answer 200). Last lines of " + logFile + ":" + System.lineSeparator()
                + LogFiles.lastLines(logFile, 40));
    }

    /** The Keycloak home: the given directory, or the archive extracted into the cache (once). */
    static Path home(Path distribution, Path cacheDirectory) {
        if (Files.isDirectory(distribution)) {
            if (!Files.isRegularFile(distribution.resolve("bin").resolve("kc.sh"))) {
                throw new IllegalArgumentException(distribution + " is not a Keycloak distribution: it has no bin/kc.sh");
            }
            return distribution;
        }
        String fileName = distribution.getFileName().toString();
        if (!Files.isRegularFile(distribution) || !fileName.endsWith(".tar.gz")) {
            throw new IllegalArgumentException("Keycloak distribution " + distribution
                    + " is neither an extracted directory nor a .tar.gz archive");
        }
        Path home = cacheDirectory.resolve(fileName.substring(0, fileName.length() - ".tar.gz".length()));
        if (Files.isRegularFile(home.resolve(EXTRACTED_MARKER))) {
            return home;
        }
        try {
            Files.createDirectories(cacheDirectory);
            // Extract beside the final place and move it there when complete, so an interrupted extraction
            // never looks like a usable distribution.
            Path staging = Files.createTempDirectory(cacheDirectory, "extracting-");
            Process tar = new ProcessBuilder("tar", "-xzf", distribution.toString(), "-C", staging.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!tar.waitFor(5, TimeUnit.MINUTES) || tar.exitValue() != 0) {
                ChildProcesses.kill(tar.toHandle());
                throw new IllegalStateException("Could not extract " + distribution + " with tar");
            }
            Path extracted;
            try (Stream<Path> entries = Files.list(staging)) {
                List<Path> roots = entries.filter(Files::isDirectory).toList();
                if (roots.size() != 1 || !Files.isRegularFile(roots.getFirst().resolve("bin").resolve("kc.sh"))) {
                    throw new IllegalStateException(distribution + " does not contain a single Keycloak directory with bin/kc.sh");
                }
                extracted = roots.getFirst();
            }
            Files.writeString(extracted.resolve(EXTRACTED_MARKER), distribution.toString());
            if (Files.exists(home)) {
                deleteRecursively(home);
            }
            Files.move(extracted, home, StandardCopyOption.ATOMIC_MOVE);
            deleteRecursively(staging);
            return home;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not extract " + distribution + " into " + cacheDirectory, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while extracting " + distribution, e);
        }
    }

    private static void deleteRecursively(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }

    /** {@code http://127.0.0.1:<port>/realms/<realm>}. */
    public String issuer() {
        return baseUrl() + "/realms/" + realm;
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path home() {
        return home;
    }

    public Path logFile() {
        return logFile;
    }

    /** SIGTERM (kc.sh forwards it to Keycloak, which shuts down cleanly), SIGKILL to all of it after 10 s. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        ChildProcesses.stop(process, STOP_GRACE);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook runs now or soon.
        }
    }
}
