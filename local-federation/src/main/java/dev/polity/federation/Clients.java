package dev.polity.federation;

import java.util.List;
import java.util.Map;

/**
 * The OIDC clients of a local federation. The same ids and secrets are in
 * {@code deploy/keycloak/polity-realm.json}; they are for a laptop, never for a real deployment.
 */
public final class Clients {

    /** Loads the federation and authors policies: central roles, acting for the first organisation. */
    public static final String ADMIN_CLIENT = "polity-admin";

    private Clients() {
    }

    public static String pipelineClient(String organization) {
        return organization + "-pipeline";
    }

    /** Reads, exports and verifies the organisation's audit log. */
    public static String auditorClient(String organization) {
        return organization + "-auditor";
    }

    public static String secretOf(String clientId) {
        return clientId + "-secret";
    }

    /** Claims a pipeline's token carries: its organisation and the role that may deploy. */
    public static Map<String, Object> pipelineClaims(String organization) {
        return Map.of("org_id", organization, "team_id", "ml-platform", "roles", List.of("ml_engineer"));
    }

    public static Map<String, Object> auditorClaims(String organization) {
        return Map.of("org_id", organization, "roles", List.of("auditor", "compliance_officer"));
    }

    public static Map<String, Object> adminClaims(String organization) {
        return Map.of("org_id", organization, "roles", List.of("platform_admin", "policy_author", "policy_approver"));
    }
}
