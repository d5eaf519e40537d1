package dev.polity.devstack.postgres;

import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.process.ChildProcesses;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.LogFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server from the machine's own binaries ({@code initdb}, {@code pg_ctl}), listening on
 * 127.0.0.1 on a free port, with trust authentication and durability switched off for speed.
 *
 * <p>{@code initdb} refuses to run as root, so when this JVM is root every PostgreSQL command runs through
 * {@code runuser -u postgres --} in a directory owned by {@code postgres}.
 *
 * <p>Orphans: {@code pg_ctl} daemonises the server, so it is not our child and would survive a SIGKILL of
 * this JVM. A shutdown hook covers normal exits and SIGTERM; for SIGKILL a tiny {@code sh} watcher (our child,
 * which SIGKILL does not take down with us) polls this JVM once a second and stops the server with
 * {@code pg_ctl stop -m immediate} when the JVM is gone. A watcher was chosen over a pidfile cleaned up by the
 * next start because the next start may never come, or come in another work directory.
 *
 * <p>Directory layout: {@code data/} (PGDATA), {@code postgres.log}, {@code initdb.log}, {@code pg_ctl.log},
 * {@code watcher.log}, {@code port} (reused by the next start in the same directory while it is free),
 * {@code run/} (the Unix socket, unless the path is too long for one).
 */
public final class PostgresServer implements AutoCloseable {

    public static final String USERNAME = "postgres";
    /** Ignored by trust authentication, but clients insist on one. */
    public static final String PASSWORD = "postgres";
    /** Overrides where initdb and pg_ctl are looked for. */
    public static final String BIN_DIRECTORY_VARIABLE = "POLITY_POSTGRES_BINDIR";

    private static final System.Logger LOG = System.getLogger(PostgresServer.class.getName());
    private static final String HOST = "127.0.0.1";
    private static final int BIND_ATTEMPTS = 3;
    /** Unix socket paths are limited to 107 bytes; leave room for "/.s.PGSQL.65535". */
    private static final int MAX_SOCKET_DIRECTORY_LENGTH = 80;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Path binDirectory;
    private final Path dataDirectory;
    private final Path logFile;
    private final int port;
    private final boolean runAsPostgres;
    private final Process watcher;
    private final Thread shutdownHook;
    private boolean closed;

    private PostgresServer(Path binDirectory, Path dataDirectory, Path logFile, int port, boolean runAsPostgres,
                           Process watcher) {
        this.binDirectory = binDirectory;
        this.dataDirectory = dataDirectory;
        this.logFile = logFile;
        this.port = port;
        this.runAsPostgres = runAsPostgres;
        this.watcher = watcher;
        this.shutdownHook = new Thread(this::stopServer, "polity-stop-postgres");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /**
     * Initialises a cluster in {@code directory/data} unless one is there, and starts it on a free port.
     *
     * @throws IllegalStateException naming the missing package when the server binaries are not installed, or
     *                               with the server log when it does not start
     */
    public static PostgresServer start(Path directory) {
        long startedAt = System.nanoTime();
        Path binDirectory = findBinDirectory();
        boolean runAsPostgres = isRoot();
        try {
            Files.createDirectories(directory);
            Path dataDirectory = directory.resolve("data").toAbsolutePath();
            Path logFile = directory.resolve("postgres.log").toAbsolutePath();
            Path socketDirectory = socketDirectory(directory.toAbsolutePath());
            if (runAsPostgres) {
                handToPostgresUser(directory, socketDirectory);
            }
            boolean existingCluster = Files.isRegularFile(dataDirectory.resolve("PG_VERSION"));
            if (!existingCluster) {
                initdb(binDirectory, dataDirectory, directory.resolve("initdb.log"), runAsPostgres);
            }
            String initialisation = existingCluster ? "existing cluster"
                    : "initdb " + Duration.ofNanos(System.nanoTime() - startedAt).toMillis() + " ms";
            Path portFile = directory.resolve("port");
            for (int attempt = 1; ; attempt++) {
                int port = attempt == 1 ? previousPortIfFree(portFile).orElseGet(FreePorts::pick) : FreePorts.pick();
                String serverOptions = String.join(" ", "-p", String.valueOf(port),
                        "-k", "'" + socketDirectory + "'",
                        "-c", "listen_addresses=" + HOST,
                        "-c", "max_connections=200",
                        // Throwaway test data: skip the fsyncs that make PostgreSQL durable and slow.
                        "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");
                Path pgCtlLog = directory.resolve("pg_ctl.log");
                int exit = run(command(runAsPostgres, binDirectory.resolve("pg_ctl").toString(),
                        "-D", dataDirectory.toString(), "-l", logFile.toString(), "-w", "-t", "30",
                        "-o", serverOptions, "start"), pgCtlLog);
                if (exit != 0) {
                    String tail = LogFiles.lastLines(logFile, 20);
                    if (attempt < BIND_ATTEMPTS && (tail.contains("could not bind") || tail.contains("already in use"))) {
                        continue;
                    }
                    throw new IllegalStateException("PostgreSQL did not start (pg_ctl exit code " + exit + "). pg_ctl said:"
                            + System.lineSeparator() + LogFiles.lastLines(pgCtlLog, 10) + System.lineSeparator()
                            + "Last lines of " + logFile + ":" + System.lineSeparator() + tail);
                }
                Files.writeString(portFile, String.valueOf(port), StandardCharsets.UTF_8);
                Process watcher = startOrphanWatcher(binDirectory, dataDirectory, directory.resolve("watcher.log"),
                        runAsPostgres);
                PostgresServer server = new PostgresServer(binDirectory, dataDirectory, logFile, port, runAsPostgres,
                        watcher);
                LOG.log(System.Logger.Level.INFO, "PostgreSQL ready at {0}:{1} in {2} ms ({3}, pid {4}, log {5})",
                        HOST, String.valueOf(port), Duration.ofNanos(System.nanoTime() - startedAt).toMillis(),
                        initialisation, String.valueOf(server.pid()), logFile);
                return server;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start PostgreSQL in " + directory, e);
        }
    }

    /** A restart in a persistent work directory keeps its address when it can, as a developer's psql expects. */
    private static Optional<Integer> previousPortIfFree(Path portFile) {
        try {
            int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.UTF_8).strip());
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            }
            return Optional.of(port);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    public PostgresEndpoint endpoint() {
        return new PostgresEndpoint(HOST, port, USERNAME, PASSWORD);
    }

    public int port() {
        return port;
    }

    /** The postmaster's pid, from the first line of {@code postmaster.pid}; -1 once the server is stopped. */
    public long pid() {
        try {
            List<String> lines = Files.readAllLines(dataDirectory.resolve("postmaster.pid"), StandardCharsets.UTF_8);
            return lines.isEmpty() ? -1 : Long.parseLong(lines.getFirst().strip());
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }

    /** The postmaster and the watcher, while they run. */
    public List<ProcessHandle> processes() {
        List<ProcessHandle> processes = new ArrayList<>();
        ProcessHandle.of(pid()).ifPresent(processes::add);
        processes.add(watcher.toHandle());
        return processes;
    }

    public Path dataDirectory() {
        return dataDirectory;
    }

    public Path logFile() {
        return logFile;
    }

    /** {@code pg_ctl stop -m fast}: disconnects clients, shuts down cleanly, waits until the server is gone. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        long stoppingAt = System.nanoTime();
        stopServer();
        LOG.log(System.Logger.Level.INFO, "PostgreSQL stopped in {0} ms",
                Duration.ofNanos(System.nanoTime() - stoppingAt).toMillis());
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException shutdownInProgress) {
            // The hook runs now or soon; stopping a stopped server is harmless.
        }
    }

    private void stopServer() {
        long pid = pid();
        try {
            if (pid > 0) {
                int exit = run(command(runAsPostgres, binDirectory.resolve("pg_ctl").toString(), "-D",
                        dataDirectory.toString(), "-m", "fast", "-w", "-t", "30", "stop"),
                        dataDirectory.getParent().resolve("pg_ctl-stop.log"));
                if (exit != 0) {
                    ProcessHandle.of(pid).ifPresent(ChildProcesses::kill);
                }
            }
        } catch (IOException e) {
            ProcessHandle.of(pid).ifPresent(ChildProcesses::kill);
        } finally {
            stopWatcher();
        }
    }

    /**
     * Kills the watcher's {@code sleep} first, so that the watcher, still alive, reaps it and then ends its loop
     * by itself (postmaster.pid is gone). Killing the watcher first would orphan the {@code sleep}.
     */
    private void stopWatcher() {
        watcher.descendants().forEach(ProcessHandle::destroyForcibly);
        if (!ChildProcesses.awaitExit(watcher.toHandle(), Duration.ofSeconds(2))) {
            ChildProcesses.stop(watcher, Duration.ofSeconds(1));
        }
    }

    /**
     * The watcher loops while this JVM lives and the server runs (postmaster.pid exists); if the JVM vanished
     * first, it stops the server. Its own output goes to a file: a pipe to a dead JVM would kill it on write.
     */
    private static Process startOrphanWatcher(Path binDirectory, Path dataDirectory, Path logFile,
                                              boolean runAsPostgres) throws IOException {
        String script = """
                jvm="$1"; pgdata="$2"; shift 2
                while kill -0 "$jvm" 2>/dev/null && [ -f "$pgdata/postmaster.pid" ]; do sleep 1; done
                if [ -f "$pgdata/postmaster.pid" ]; then
                  echo "JVM $jvm is gone; stopping PostgreSQL in $pgdata"
                  "$@"
                fi
                """;
        List<String> command = new ArrayList<>(List.of("sh", "-c", script, "polity-postgres-watcher",
                String.valueOf(ProcessHandle.current().pid()), dataDirectory.toString()));
        command.addAll(command(runAsPostgres, binDirectory.resolve("pg_ctl").toString(), "-D",
                dataDirectory.toString(), "-m", "immediate", "-w", "stop"));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
    }

    private static void initdb(Path binDirectory, Path dataDirectory, Path initdbLog, boolean runAsPostgres)
            throws IOException {
        int exit = run(command(runAsPostgres, binDirectory.resolve("initdb").toString(), "-D", dataDirectory.toString(),
                "-U", USERNAME, "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"), initdbLog);
        if (exit != 0) {
            throw new IllegalStateException("initdb failed (exit code " + exit + "). Last lines of " + initdbLog + ":"
                    + System.lineSeparator() + LogFiles.lastLines(initdbLog, 20));
        }
    }

    private static int run(List<String> command, Path logFile) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile()).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                ChildProcesses.kill(process.toHandle());
                throw new IllegalStateException(String.join(" ", command) + " did not finish within "
                        + COMMAND_TIMEOUT.toSeconds() + " s. Output: " + LogFiles.lastLines(logFile, 20));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while running " + command.getFirst(), e);
        }
    }

    private static List<String> command(boolean runAsPostgres, String... arguments) {
        List<String> command = new ArrayList<>();
        if (runAsPostgres) {
            command.addAll(List.of("runuser", "-u", USERNAME, "--"));
        }
        command.addAll(List.of(arguments));
        return command;
    }

    private static Path socketDirectory(Path directory) throws IOException {
        Path candidate = directory.resolve("run");
        if (candidate.toString().length() <= MAX_SOCKET_DIRECTORY_LENGTH) {
            Files.createDirectories(candidate);
            return candidate;
        }
        // A deep work directory would make the socket path too long for the kernel.
        Path shortPath = Files.createTempDirectory("polity-pg");
        shortPath.toFile().deleteOnExit();
        return shortPath;
    }

    /** Gives {@code directory} (and the socket directory) to the postgres user and checks it can reach them. */
    private static void handToPostgresUser(Path directory, Path socketDirectory) throws IOException {
        UserPrincipalLookupService lookup = directory.getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user;
        GroupPrincipal group;
        try {
            user = lookup.lookupPrincipalByName(USERNAME);
            group = lookup.lookupPrincipalByGroupName(USERNAME);
        } catch (IOException e) {
            throw new IllegalStateException("This JVM runs as root, so PostgreSQL must run as the user 'postgres' "
                    + "(initdb refuses root), but there is no such user. Installing the postgresql package creates it.", e);
        }
        for (Path path : List.of(directory, socketDirectory)) {
            PosixFileAttributeView view = Files.getFileAttributeView(path, PosixFileAttributeView.class);
            view.setOwner(user);
            view.setGroup(group);
        }
        for (Path ancestor = directory.toAbsolutePath().getParent(); ancestor != null; ancestor = ancestor.getParent()) {
            if (!Files.getPosixFilePermissions(ancestor).contains(PosixFilePermission.OTHERS_EXECUTE)
                    && !Files.getOwner(ancestor).equals(user)) {
                throw new IllegalStateException("PostgreSQL runs as the user 'postgres' (initdb refuses root) and cannot "
                        + "reach " + directory + " because " + ancestor + " is not searchable by others. "
                        + "Choose a work directory under /tmp, or chmod o+x " + ancestor + ".");
            }
        }
    }

    private static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return "root".equals(System.getProperty("user.name"));
        }
    }

    /**
     * Where initdb and pg_ctl live: {@value #BIN_DIRECTORY_VARIABLE}, else {@code pg_config --bindir}, else the
     * newest {@code /usr/lib/postgresql/<version>/bin} (Debian and Ubuntu put the server there, off the PATH).
     */
    static Path findBinDirectory() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getenv(BIN_DIRECTORY_VARIABLE)).filter(s -> !s.isBlank()).map(Path::of)
                .ifPresent(candidates::add);
        pgConfigBinDirectory().ifPresent(candidates::add);
        Path debianRoot = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(debianRoot)) {
            try (Stream<Path> versions = Files.list(debianRoot)) {
                versions.sorted(Comparator.comparing(PostgresServer::versionOf).reversed())
                        .map(version -> version.resolve("bin"))
                        .forEach(candidates::add);
            } catch (IOException e) {
                // Unreadable: fall through to the error below if nothing else is found.
            }
        }
        return candidates.stream()
                .filter(bin -> Files.isExecutable(bin.resolve("initdb")) && Files.isExecutable(bin.resolve("pg_ctl")))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("The PostgreSQL server binaries (initdb, pg_ctl) are not "
                        + "installed: looked in " + candidates + ". Install the postgresql package (Debian/Ubuntu: "
                        + "apt-get install postgresql) or point " + BIN_DIRECTORY_VARIABLE + " at their directory."));
    }

    private static Optional<Path> pgConfigBinDirectory() {
        try {
            Process process = new ProcessBuilder("pg_config", "--bindir").redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (process.waitFor(10, TimeUnit.SECONDS) && process.exitValue() == 0 && !output.isEmpty()) {
                return Optional.of(Path.of(output));
            }
        } catch (IOException e) {
            // No pg_config on the PATH.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return Optional.empty();
    }

    private static int versionOf(Path versionDirectory) {
        try {
            return Integer.parseInt(versionDirectory.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
