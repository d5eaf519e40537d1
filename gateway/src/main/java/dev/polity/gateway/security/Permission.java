package dev.polity.gateway.security;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One row of the permission table: which methods on which path, for which roles, bound how to the
 * caller's organisation, answered by whom.
 *
 * <p>Path templates are segments separated by {@code /}: a literal, {@code {org}} (an organisation id,
 * captured), {@code *} (any one segment) or a final {@code **} (any number of segments, also none).
 *
 * @param roles empty: any authenticated caller whose token names an organisation
 */
public record Permission(Set<String> methods, String path, Set<String> roles, Tenancy tenancy, Upstream upstream, String note) {

    public Permission {
        methods = Set.copyOf(methods);
        roles = Set.copyOf(roles);
        note = note == null ? "" : note;
    }

    /**
     * Each template's segments, split once: every request is matched against the table row by row, and
     * splitting every row's template each time was a visible share of the gateway's CPU per decision.
     */
    private static final Map<String, String[]> TEMPLATE_SEGMENTS = new ConcurrentHashMap<>();

    private String[] templateSegments() {
        return TEMPLATE_SEGMENTS.computeIfAbsent(path, template -> template.substring(1).split("/"));
    }

    /** The organisation captured by {@code {org}}, "" when the template has none, or null when the path does not match. */
    String match(List<String> pathSegments) {
        String[] template = templateSegments();
        String organization = "";
        int i = 0;
        for (; i < template.length; i++) {
            String part = template[i];
            if (part.equals("**")) {
                return organization;
            }
            if (i >= pathSegments.size()) {
                return null;
            }
            String actual = pathSegments.get(i);
            if (part.equals("{org}")) {
                organization = actual;
            } else if (!part.equals("*") && !part.equals(actual)) {
                return null;
            }
        }
        return i == pathSegments.size() ? organization : null;
    }

    public boolean allowsRole(Set<String> callerRoles) {
        if (roles.isEmpty()) {
            return true;
        }
        for (String role : callerRoles) {
            if (roles.contains(role)) {
                return true;
            }
        }
        return false;
    }

    /** For the README: methods in a stable order. */
    public String methodsText() {
        return String.join(", ", new TreeSet<>(methods));
    }

    public String rolesText() {
        return roles.isEmpty() ? "any role" : String.join(", ", Roles.ALL.stream().filter(roles::contains).toList());
    }
}
