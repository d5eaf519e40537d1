package dev.polity.sync.support;

import dev.polity.devstack.OidcTestResource;
import dev.polity.devstack.oidc.OidcTestServer;

import java.lang.reflect.Field;
import java.util.List;
import java.util.Map;

/**
 * devstack's OIDC test provider plus one client whose token holds both policy_author and
 * policy_approver ({@code TestTokens.of("acme", AUTHOR_APPROVER)}), to show that holding the
 * approver role is not enough to approve one's own change.
 */
public class SyncOidcTestResource extends OidcTestResource {

    public static final String AUTHOR_APPROVER = "author-approver";

    @Override
    public synchronized Map<String, String> start() {
        Map<String, String> config = super.start();
        try {
            Field field = OidcTestResource.class.getDeclaredField("server");
            field.setAccessible(true);
            OidcTestServer server = (OidcTestServer) field.get(null);
            for (String organization : ORGANIZATIONS) {
                String client = organization + "." + AUTHOR_APPROVER;
                server.registerClient(client, client + "-secret", Map.of("org_id", organization, "team_id", TEAM,
                        "roles", List.of("policy_author", "policy_approver")));
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot register the author-approver test client", e);
        }
        return config;
    }
}
