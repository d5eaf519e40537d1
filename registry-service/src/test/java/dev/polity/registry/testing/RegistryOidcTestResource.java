package dev.polity.registry.testing;

import dev.polity.devstack.OidcTestResource;
import dev.polity.devstack.TestTokens;
import dev.polity.devstack.oidc.OidcTestServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

/**
 * devstack's {@link OidcTestResource} (the same provider, clients, claims and {@link TestTokens}), plus
 * clients holding two roles at once, which the approval workflow's rules need: a requester who is also a
 * reviewer ({@code acme.ml_engineer,security_reviewer}) and one person holding two review roles
 * ({@code acme.security_reviewer,compliance_officer}).
 */
public class RegistryOidcTestResource implements QuarkusTestResourceLifecycleManager {

    /** The system property {@link TestTokens} reads the token endpoint from (devstack's OidcTestResource sets the same). */
    private static final String TOKEN_ENDPOINT_PROPERTY = "polity.devstack.oidc.token-endpoint";
    public static final List<String> EXTRA_CLIENTS = List.of("ml_engineer,security_reviewer", "security_reviewer,compliance_officer",
            "data_scientist,security_reviewer");

    /**
     * Organisations beyond devstack's three, each with a client per role, so that tests of sharing, visibility and
     * search have organisations of their own (collaborations and consortia are global state in the shared database).
     */
    public static final List<String> EXTRA_ORGANIZATIONS = List.of("vis-owner", "vis-partner", "vis-fellow", "vis-invited",
            "vis-reverse", "vis-stranger", "srch-owner", "srch-other", "acc-owner", "acc-trusted", "acc-research",
            "acc-academic", "acc-other", "acc-fed", "mem-owner", "mem-member", "mem-other");

    private static OidcTestServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = OidcTestServer.start();
            List<String> organizations = new java.util.ArrayList<>(OidcTestResource.ORGANIZATIONS);
            organizations.addAll(EXTRA_ORGANIZATIONS);
            for (String organization : organizations) {
                register(organization, "none", List.of());
                for (String role : OidcTestResource.ROLES) {
                    register(organization, role, List.of(role));
                }
                for (String combined : EXTRA_CLIENTS) {
                    register(organization, combined, List.of(combined.split(",")));
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "registry-oidc-test-server-stop"));
        }
        System.setProperty(TOKEN_ENDPOINT_PROPERTY, server.tokenEndpoint().toString());
        return Map.of(
                "quarkus.oidc.auth-server-url", server.issuer(),
                "quarkus.oidc.devservices.enabled", "false",
                "quarkus.keycloak.devservices.enabled", "false");
    }

    private static void register(String organization, String role, List<String> roles) {
        String client = organization + "." + role;
        server.registerClient(client, client + "-secret",
                Map.of("org_id", organization, "team_id", OidcTestResource.TEAM, "roles", roles));
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM; stopped by the shutdown hook.
    }
}
