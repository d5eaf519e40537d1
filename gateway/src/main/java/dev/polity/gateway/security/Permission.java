package dev.polity.gateway.security;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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

    List<String> segments() {
        List<String> segments = new ArrayList<>(List.of(path.substring(1).split("/")));
        return segments;
    }

    /** The organisation captured by {@code {org}}, "" when the template has none, or null when the path does not match. */
    String match(List<String> pathSegments) {
        List<String> template = segments();
        String organization = "";
        int i = 0;
        for (; i < template.size(); i++) {
            String part = template.get(i);
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
        return roles.isEmpty() || callerRoles.stream().anyMatch(roles::contains);
    }

    /** For the README: methods in a stable order. */
    public String methodsText() {
        return String.join(", ", new TreeSet<>(methods));
    }

    public String rolesText() {
        return roles.isEmpty() ? "any role" : String.join(", ", Roles.ALL.stream().filter(roles::contains).toList());
    }
}
