package dev.polity.devstack;

import dev.polity.devstack.oidc.OidcTestServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.List;
import java.util.Map;

/**
 * Points a {@code @QuarkusTest}'s quarkus-oidc at a real OIDC provider (devstack's
 * {@link OidcTestServer}: RS256 tokens, JWKS discovery) with one confidential client per
 * organisation and role, so tests get tokens through the real client-credentials flow with
 * {@link TestTokens#of(String, String)}.
 *
 * <p>Clients: {@code <org>.<role>} with secret {@code <org>.<role>-secret}, for the organisations
 * {@link #ORGANIZATIONS} and the roles {@link #ROLES} plus {@code none} (a valid token without
 * roles). Tokens carry {@code org_id}, {@code team_id} ({@value #TEAM}) and {@code roles}, like
 * the Keycloak realm in {@code deploy/keycloak}.
 */
public class OidcTestResource implements QuarkusTestResourceLifecycleManager {

    public static final List<String> ORGANIZATIONS = List.of("acme", "globex", "initech");
    public static final List<String> ROLES = List.of("data_scientist", "ml_engineer", "data_engineer", "business_analyst",
            "compliance_officer", "auditor", "policy_author", "policy_approver", "platform_admin", "ml_lead",
            "product_owner", "security_reviewer", "stakeholder");
    public static final String TEAM = "team-a";
    static final String TOKEN_ENDPOINT_PROPERTY = "polity.devstack.oidc.token-endpoint";

    private static OidcTestServer server;

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            server = OidcTestServer.start();
            for (String organization : ORGANIZATIONS) {
                server.registerClient(organization + ".none", organization + ".none-secret",
                        Map.of("org_id", organization, "team_id", TEAM, "roles", List.of()));
                for (String role : ROLES) {
                    String client = organization + "." + role;
                    server.registerClient(client, client + "-secret",
                            Map.of("org_id", organization, "team_id", TEAM, "roles", List.of(role)));
                }
            }
            Runtime.getRuntime().addShutdownHook(new Thread(server::close, "polity-oidc-test-server-stop"));
        }
        // Tests live in this JVM; they find the token endpoint here whatever class loader they use.
        System.setProperty(TOKEN_ENDPOINT_PROPERTY, server.tokenEndpoint().toString());
        return Map.of(
                "quarkus.oidc.auth-server-url", server.issuer(),
                "quarkus.oidc.devservices.enabled", "false",
                "quarkus.keycloak.devservices.enabled", "false");
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM; stopped by the shutdown hook.
    }
}
