package dev.polity.gateway.security;

/** Who answers a route. */
public enum Upstream {
    GATEWAY("gateway"),
    POLICY_NODE("policy node"),
    REGISTRY("registry-service"),
    AUDIT("audit-service"),
    SYNC("sync-service");

    private final String readme;

    Upstream(String readme) {
        this.readme = readme;
    }

    public String readme() {
        return readme;
    }
}
