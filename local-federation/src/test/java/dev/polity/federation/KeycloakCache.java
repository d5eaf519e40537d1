package dev.polity.federation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Keeps an extracted and built Keycloak distribution between test runs ({@code target/keycloak-cache}),
 * so a federation with {@code Identity.KEYCLOAK} starts Keycloak in about 15 s instead of about 60 s
 * (extraction plus Keycloak's first build). The copy leaves out {@code data/}: every run imports the realm
 * into a fresh database.
 */
final class KeycloakCache {

    private static final String HOME = "keycloak-quarkus-dist-26.7.3";
    private static final Path CACHE = Path.of("target", "keycloak-cache").toAbsolutePath();

    private KeycloakCache() {
    }

    /** Puts the cached distribution where {@link LocalFederation} looks for an extracted one. */
    static void seed(Path work) throws IOException, InterruptedException {
        Path cached = CACHE.resolve(HOME);
        if (!Files.isRegularFile(cached.resolve(".polity-extracted"))) {
            return;
        }
        Path target = Files.createDirectories(work.resolve("keycloak").resolve("cache"));
        copy(cached, target.resolve(HOME));
    }

    /** Keeps the distribution a run extracted and built, without its data, for the next run. */
    static void save(Path work) throws IOException, InterruptedException {
        Path home = work.resolve("keycloak").resolve("cache").resolve(HOME);
        if (Files.isRegularFile(CACHE.resolve(HOME).resolve(".polity-extracted")) || !Files.isDirectory(home)) {
            return;
        }
        Files.createDirectories(CACHE);
        Path staging = CACHE.resolve(HOME + ".saving");
        run("rm", "-rf", staging.toString());
        copy(home, staging);
        run("rm", "-rf", staging.resolve("data").toString());
        Files.move(staging, CACHE.resolve(HOME));
    }

    /** Removes a work directory (best effort). */
    static void delete(Path directory) throws IOException, InterruptedException {
        run("rm", "-rf", directory.toString());
    }

    private static void copy(Path from, Path to) throws IOException, InterruptedException {
        run("cp", "-a", from.toString(), to.toString());
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!process.waitFor(2, TimeUnit.MINUTES) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", command) + " failed");
        }
    }
}
