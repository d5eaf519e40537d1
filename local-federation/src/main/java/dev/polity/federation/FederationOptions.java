package dev.polity.federation;

import java.nio.file.Path;

/**
 * How to start a local federation.
 *
 * @param projectRoot    the repository root; services are started from {@code <module>/target/quarkus-app}
 * @param federationFile the federation to load, e.g. {@code deploy/local/federation.yaml}
 * @param workDirectory  data and logs of everything started
 * @param identity       {@link Identity#KEYCLOAK} for people and pipelines, {@link Identity#TEST_OIDC} for tests
 * @param fixedPorts     the documented ports (gateway 8080, ...) instead of free random ones
 */
public record FederationOptions(Path projectRoot, Path federationFile, Path workDirectory, Identity identity, boolean fixedPorts) {

    public enum Identity { KEYCLOAK, TEST_OIDC }
}
