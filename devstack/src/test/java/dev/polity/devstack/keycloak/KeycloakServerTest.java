package dev.polity.devstack.keycloak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.polity.devstack.process.ChildProcesses;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real Keycloak. Opt-in (-Dpolity.devstack.keycloak-test=true) because it takes 40-60 s, and skipped
 * when the distribution is not in the local Maven repository: a test must not download 176 MB.
 */
class KeycloakServerTest {

    private static final String KEYCLOAK_VERSION = "26.7.3";

    @TempDir
    Path directory;

    @Test
    void startsWithTheImportedRealmAndStopsCompletely() throws Exception {
        assumeTrue(Boolean.getBoolean("polity.devstack.keycloak-test"),
                "opt-in: run with -Dpolity.devstack.keycloak-test=true");
        Optional<Path> distribution = KeycloakServer.distributionInLocalMavenRepository(KEYCLOAK_VERSION);
        assumeTrue(distribution.isPresent(), "keycloak-quarkus-dist " + KEYCLOAK_VERSION + " is not in the local Maven repository");
        Path realmFile = Files.writeString(directory.resolve("devstack-test-realm.json"),
                "{\"realm\":\"devstack-test\",\"enabled\":true}");

        KeycloakServer keycloak = KeycloakServer.start(
                KeycloakServer.Options.of(distribution.get(), realmFile, "devstack-test", directory));
        ProcessHandle process = ProcessHandle.of(keycloak.pid()).orElseThrow();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> discovery = http.send(HttpRequest.newBuilder(
                    URI.create(keycloak.issuer() + "/.well-known/openid-configuration")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(discovery.statusCode()).isEqualTo(200);
            assertThat(discovery.body()).contains("\"issuer\":\"" + keycloak.issuer() + "\"");
        } finally {
            keycloak.close();
        }
        assertThat(ChildProcesses.isRunning(process)).isFalse();
        assertThat(process.descendants()).isEmpty();
    }
}
