package dev.polity.gateway.security;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import jakarta.inject.Singleton;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static dev.polity.gateway.security.Roles.ANY;
import static dev.polity.gateway.security.Roles.AUDITOR;
import static dev.polity.gateway.security.Roles.AUDIT_READERS;
import static dev.polity.gateway.security.Roles.BUSINESS_ANALYST;
import static dev.polity.gateway.security.Roles.COMPLIANCE_OFFICER;
import static dev.polity.gateway.security.Roles.DATA_SCIENTIST;
import static dev.polity.gateway.security.Roles.GOVERNANCE_READERS;
import static dev.polity.gateway.security.Roles.ML_ENGINEER;
import static dev.polity.gateway.security.Roles.MODEL_BUILDERS;
import static dev.polity.gateway.security.Roles.MODEL_READERS;
import static dev.polity.gateway.security.Roles.PLATFORM_ADMIN;
import static dev.polity.gateway.security.Roles.POLICY_APPROVER;
import static dev.polity.gateway.security.Roles.POLICY_AUTHOR;
import static dev.polity.gateway.security.Roles.REVIEWERS;
import static dev.polity.gateway.security.Roles.ACCESS_REQUESTERS;
import static dev.polity.gateway.security.Roles.SHARING_DECIDERS;
import static dev.polity.gateway.security.Roles.SHARING_READERS;
import static dev.polity.gateway.security.Roles.USAGE_RECORDERS;

/**
 * The permission table: every route the gateway serves, the roles it needs and how it is bound to the
 * caller's organisation. The first row that matches method and path decides; a path no row knows is a
 * 404, a known path with another method a 405. The root README prints {@link #markdown()} (a test keeps
 * the two equal). Services check roles again themselves; the gateway is the first gate, not the only one.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class PermissionTable {

    private static final Set<String> GET = Set.of("GET");
    private static final Set<String> POST = Set.of("POST");
    private static final Set<String> DELETE = Set.of("DELETE");
    private static final Set<String> WRITES = Set.of("POST", "PUT", "PATCH", "DELETE");
    private static final Set<String> CHANGES = Set.of("PUT", "PATCH", "DELETE");

    /** The rows, in matching order. */
    public static final List<Permission> ROWS = List.of(
            // --- the gateway itself ---
            row(GET, "/api/v1/me", ANY, Tenancy.CALLER, Upstream.GATEWAY, "who the token says the caller is, its quota and break-glass grants"),
            row(POST, "/api/v1/pipelines/deployments", MODEL_BUILDERS, Tenancy.CALLER, Upstream.GATEWAY,
                    "register if new + decide; `production` needs ml_engineer"),
            row(GET, "/api/v1/break-glass/grants", Set.of(PLATFORM_ADMIN, AUDITOR, COMPLIANCE_OFFICER), Tenancy.CALLER, Upstream.GATEWAY,
                    "active grants"),
            row(POST, "/api/v1/break-glass/grants", Set.of(PLATFORM_ADMIN), Tenancy.CALLER, Upstream.GATEWAY,
                    "grant a named user a role for at most 4 h"),
            row(DELETE, "/api/v1/break-glass/grants/*", Set.of(PLATFORM_ADMIN), Tenancy.CALLER, Upstream.GATEWAY, "end a grant early"),
            // --- the caller's policy node ---
            row(POST, "/api/v1/decisions/dry-run", Set.of(POLICY_AUTHOR, POLICY_APPROVER), Tenancy.CALLER, Upstream.POLICY_NODE,
                    "draft policies, nothing recorded"),
            row(POST, "/api/v1/decisions", MODEL_BUILDERS, Tenancy.CALLER, Upstream.POLICY_NODE, "`organization_id` = the token's"),
            // --- the registry ---
            row(GET, "/api/v1/models", union(MODEL_READERS, Set.of(BUSINESS_ANALYST)), Tenancy.VISIBILITY, Upstream.REGISTRY,
                    "search: the catalogue of models and where they serve"),
            row(POST, "/api/v1/models/{org}/*/access-requests", ACCESS_REQUESTERS, Tenancy.SHARED, Upstream.REGISTRY,
                    "ask another organisation for a model"),
            row(GET, "/api/v1/models/{org}/*/access-requests/**", SHARING_READERS, Tenancy.SHARED, Upstream.REGISTRY,
                    "requests: the owner's all, a requester its own"),
            row(POST, "/api/v1/models/{org}/*/access-requests/*/*", SHARING_DECIDERS, Tenancy.OWN, Upstream.REGISTRY, "approve, reject"),
            row(GET, "/api/v1/models/{org}/*/grants/**", SHARING_READERS, Tenancy.SHARED, Upstream.REGISTRY, "grants"),
            row(POST, "/api/v1/models/{org}/*/grants/*/*", SHARING_DECIDERS, Tenancy.OWN, Upstream.REGISTRY, "revoke"),
            row(POST, "/api/v1/models/{org}/*/versions/*/usage", USAGE_RECORDERS, Tenancy.SHARED, Upstream.REGISTRY,
                    "record a download, inference or training under a grant"),
            row(GET, "/api/v1/models/{org}/*/versions/*/usage", SHARING_READERS, Tenancy.OWN, Upstream.REGISTRY, "usage counts"),
            row(POST, "/api/v1/models/{org}/*/versions/*/transitions/*/sign-offs", REVIEWERS, Tenancy.OWN, Upstream.REGISTRY,
                    "reviews of a lifecycle transition"),
            row(GET, "/api/v1/models/{org}/*", MODEL_READERS, Tenancy.SHARED, Upstream.REGISTRY, "a model"),
            row(GET, "/api/v1/models/{org}/*/versions", MODEL_READERS, Tenancy.SHARED, Upstream.REGISTRY, "its versions"),
            row(GET, "/api/v1/models/{org}/*/versions/*", MODEL_READERS, Tenancy.SHARED, Upstream.REGISTRY, "a version"),
            row(GET, "/api/v1/models/{org}/*/versions/*/card/**", MODEL_READERS, Tenancy.SHARED, Upstream.REGISTRY,
                    "its model card (JSON, HTML)"),
            row(GET, "/api/v1/models/{org}/**", MODEL_READERS, Tenancy.OWN, Upstream.REGISTRY, "history, transitions"),
            row(WRITES, "/api/v1/models/{org}/**", MODEL_BUILDERS, Tenancy.OWN, Upstream.REGISTRY,
                    "register, change, delete, transitions (production and rollback: ml_engineer, checked by the registry)"),
            row(POST, "/api/v1/consortia", Set.of(PLATFORM_ADMIN), Tenancy.CALLER, Upstream.REGISTRY, "found a consortium"),
            row(GET, "/api/v1/consortia/**", SHARING_READERS, Tenancy.VISIBILITY, Upstream.REGISTRY, "a consortium"),
            row(CHANGES, "/api/v1/consortia/*/members/*", Set.of(PLATFORM_ADMIN), Tenancy.VISIBILITY, Upstream.REGISTRY,
                    "invite, remove (its owner), join, leave (the member)"),
            row(GET, "/api/v1/collaborations", SHARING_READERS, Tenancy.CALLER, Upstream.REGISTRY, "collaboration agreements"),
            row(CHANGES, "/api/v1/collaborations/*", Set.of(PLATFORM_ADMIN), Tenancy.CALLER, Upstream.REGISTRY,
                    "declare, withdraw one with a partner"),
            // --- the audit log ---
            row(GET, "/api/v1/audit/events", AUDIT_READERS, Tenancy.AUDIT_FILTER, Upstream.AUDIT, "query"),
            row(GET, "/api/v1/audit/events/*/**", AUDIT_READERS, Tenancy.AUDIT_EVENT, Upstream.AUDIT, "one event, its data, its proof"),
            row(GET, "/api/v1/audit/checkpoints/**", AUDIT_READERS, Tenancy.LOG, Upstream.AUDIT, "signed checkpoints, consistency proofs"),
            row(GET, "/api/v1/audit/log/**", AUDIT_READERS, Tenancy.LOG, Upstream.AUDIT, "tree head"),
            row(GET, "/api/v1/audit/verify/**", Set.of(AUDITOR), Tenancy.LOG, Upstream.AUDIT, "verification"),
            row(GET, "/api/v1/audit/**", Set.of(AUDITOR), Tenancy.AUDIT_FILTER, Upstream.AUDIT, "export and the rest"),
            row(GET, "/api/v1/organizations/{org}/compliance-status", Set.of(COMPLIANCE_OFFICER, AUDITOR), Tenancy.OWN, Upstream.AUDIT,
                    "computed from the log"),
            // --- the central authority ---
            row(GET, "/api/v1/organizations/**", ANY, Tenancy.DIRECTORY, Upstream.SYNC, "federation membership"),
            row(POST, "/api/v1/organizations", Set.of(PLATFORM_ADMIN), Tenancy.CENTRAL, Upstream.SYNC, "add a member"),
            row(CHANGES, "/api/v1/organizations/{org}/**", Set.of(PLATFORM_ADMIN), Tenancy.FEDERATION, Upstream.SYNC, "change a member"),
            row(WRITES, "/api/v1/federation/**", Set.of(PLATFORM_ADMIN), Tenancy.CENTRAL, Upstream.SYNC, "federation import"),
            row(GET, "/api/v1/federation/**", Set.of(PLATFORM_ADMIN), Tenancy.DIRECTORY, Upstream.SYNC, "federation view"),
            row(GET, "/api/v1/bundles/keys", ANY, Tenancy.DIRECTORY, Upstream.SYNC, "bundle signing keys"),
            row(GET, "/api/v1/bundles/{org}/**", GOVERNANCE_READERS, Tenancy.OWN, Upstream.SYNC, "signed bundle, manifest"),
            row(POST, "/api/v1/bundles/{org}", Set.of(PLATFORM_ADMIN), Tenancy.FEDERATION, Upstream.SYNC, "build and publish now"),
            row(GET, "/api/v1/policies/**", GOVERNANCE_READERS, Tenancy.SCOPED, Upstream.SYNC, "policies, versions, diffs"),
            row(POST, "/api/v1/policies", Set.of(POLICY_AUTHOR), Tenancy.SCOPED, Upstream.SYNC,
                    "organisation and team scope: own; global and regional: central organisation"),
            row(GET, "/api/v1/policy-changes/**", GOVERNANCE_READERS, Tenancy.SCOPED, Upstream.SYNC, "changes waiting for approval"),
            row(POST, "/api/v1/policy-changes/*/*", Set.of(POLICY_APPROVER), Tenancy.SCOPED, Upstream.SYNC, "approve, reject"),
            row(GET, "/api/v1/overrides/**", GOVERNANCE_READERS, Tenancy.SCOPED, Upstream.SYNC, "overrides"),
            row(POST, "/api/v1/overrides", Set.of(POLICY_AUTHOR), Tenancy.SCOPED, Upstream.SYNC, "`organization_id` = own"),
            row(POST, "/api/v1/overrides/*/*", Set.of(POLICY_APPROVER), Tenancy.SCOPED, Upstream.SYNC, "approve, reject"),
            row(DELETE, "/api/v1/overrides/*", Set.of(POLICY_APPROVER), Tenancy.SCOPED, Upstream.SYNC, "end an override"));

    private final GatewayConfig config;

    public PermissionTable(GatewayConfig config) {
        this.config = config;
    }

    /** A route that matched, with the organisation its path names ("" when none) and the method asked for. */
    public record Match(Permission permission, String organization, String method) {

        public Tenancy tenancy() {
            return permission.tenancy();
        }

        public Upstream upstream() {
            return permission.upstream();
        }
    }

    /**
     * Finds the route for {@code method} and {@code rawPath} and checks the caller's roles and organisation.
     *
     * @throws ProblemException 400 for dot or encoded-slash segments, 404 for unknown paths, 405 for a
     *                          method the path does not take, 403 for a missing role or a foreign organisation
     */
    public Match authorize(String method, String rawPath, Caller caller) {
        Match match = route(method, rawPath);
        check(match, caller);
        return match;
    }

    /**
     * The route for {@code method} and {@code rawPath}, whoever calls: callers with a fixed path (the decision
     * route) find it once and only {@link #check} each caller.
     *
     * @throws ProblemException 400 for dot or encoded-slash segments, 404 for unknown paths, 405 for a
     *                          method the path does not take
     */
    public Match route(String method, String rawPath) {
        List<String> segments = segments(rawPath);
        String upperMethod = method.toUpperCase(Locale.ROOT);
        boolean pathKnown = false;
        for (Permission permission : ROWS) {
            String organization = permission.match(segments);
            if (organization == null) {
                continue;
            }
            pathKnown = true;
            if (permission.methods().contains(upperMethod)) {
                return new Match(permission, organization, upperMethod);
            }
        }
        if (pathKnown) {
            throw new ProblemException(405, "method-not-allowed", "Method not allowed", method + " is not allowed on " + rawPath, List.of());
        }
        throw ProblemException.notFound("no route for " + rawPath);
    }

    /** Checks the caller's roles and organisation against a route; 403 when either is wrong. */
    public void check(Match match, Caller caller) {
        Permission permission = match.permission();
        if (!permission.allowsRole(caller.roles())) {
            throw new ProblemException(403, "role-missing", "Forbidden", match.method() + " " + permission.path()
                    + " needs one of the roles " + permission.rolesText(), List.of());
        }
        String own = caller.organization();
        switch (permission.tenancy()) {
            case OWN -> requireOwn(match.organization(), own);
            case FEDERATION -> {
                if (!isCentral(own)) {
                    requireOwn(match.organization(), own);
                }
            }
            case CENTRAL -> {
                if (!isCentral(own)) {
                    throw new ProblemException(403, "tenant-mismatch", "Forbidden",
                            "only the central organization may " + match.method() + " " + permission.path(), List.of());
                }
            }
            default -> {
            }
        }
    }

    /** Whether callers of {@code organization} act for the whole federation (see {@link GatewayConfig#centralOrganization()}). */
    public boolean isCentral(String organization) {
        return config.centralOrganization().map(organization::equals).orElse(false);
    }

    private static void requireOwn(String asked, String own) {
        if (!asked.equals(own)) {
            throw new ProblemException(403, "tenant-mismatch", "Forbidden",
                    "this token acts for '" + own + "', not '" + asked + "'", List.of());
        }
    }

    /** Decoded path segments; dot segments and encoded slashes are refused rather than interpreted. */
    static List<String> segments(String rawPath) {
        String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
        if (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        List<String> segments = new ArrayList<>();
        for (String raw : path.split("/", -1)) {
            String decoded;
            try {
                decoded = URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ProblemException.invalidField("path", "is not validly percent-encoded");
            }
            if (decoded.isEmpty() || decoded.equals(".") || decoded.equals("..") || decoded.contains("/") || decoded.contains("\\")) {
                throw ProblemException.invalidField("path", "has an empty, dot or encoded-slash segment");
            }
            segments.add(decoded);
        }
        return segments;
    }

    /** The table as the root README prints it. */
    public static String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| method | path | roles | organisation | answered by | what |\n");
        out.append("|---|---|---|---|---|---|\n");
        for (Permission row : ROWS) {
            out.append("| ").append(row.methodsText())
                    .append(" | `").append(row.path()).append('`')
                    .append(" | ").append(row.rolesText())
                    .append(" | ").append(row.tenancy().readme())
                    .append(" | ").append(row.upstream().readme())
                    .append(" | ").append(row.note())
                    .append(" |\n");
        }
        return out.toString();
    }

    private static Permission row(Set<String> methods, String path, Set<String> roles, Tenancy tenancy, Upstream upstream, String note) {
        return new Permission(methods, path, roles, tenancy, upstream, note);
    }

    @SafeVarargs
    private static Set<String> union(Set<String>... sets) {
        java.util.HashSet<String> all = new java.util.HashSet<>();
        for (Set<String> set : sets) {
            all.addAll(set);
        }
        return all;
    }
}
