package dev.polity.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tenant isolation on a real Keycloak (the realm of {@code deploy/keycloak}) and the real services, all
 * through the gateway: every role of two tenant organisations against every gateway route, for its own
 * organisation and for the other one. Expectations come from the permission table as the README states
 * it (written out here on purpose, not read from the gateway): a role the table does not list, or another
 * organisation on a route bound to the caller's, must get the gateway's 403; a role it lists must get
 * past the gateway. Whatever the status, no successful answer to one tenant may carry the other tenant's
 * private data (a private model, an organisation-scoped policy, their audit events): 0 leaks. Expired,
 * unsigned and wrongly signed tokens get 401 on every route. Also: the pipeline call on real services and
 * a break-glass grant from grant to audited end.
 *
 * <p>Refusals by a service of a request the gateway let through are not failures here (the services are
 * the second gate); the test prints them, as a list of where a service's roles differ from the table.
 */
class TenantIsolationIT {

    private static final List<String> TENANTS = List.of("globalcorp-eu", "nimbus-ai");
    private static final List<String> ROLES = List.of("data_scientist", "ml_engineer", "data_engineer", "business_analyst",
            "compliance_officer", "auditor", "policy_author", "policy_approver", "platform_admin", "ml_lead", "product_owner",
            "security_reviewer", "stakeholder");
    private static final Set<String> BUILDERS = Set.of("data_scientist", "ml_engineer");
    private static final Set<String> READERS = Set.of("data_scientist", "ml_engineer", "compliance_officer", "ml_lead", "product_owner",
            "security_reviewer", "stakeholder");
    private static final Set<String> AUDIT = Set.of("auditor", "compliance_officer");
    private static final Set<String> GOVERNANCE = Set.of("policy_author", "policy_approver", "compliance_officer", "auditor", "platform_admin");
    private static final Set<String> ANY = Set.copyOf(ROLES);
    private static final Set<String> SHARING = Set.of("data_scientist", "ml_engineer", "ml_lead", "product_owner", "platform_admin",
            "compliance_officer");
    private static final Set<String> GATEWAY_REFUSALS = Set.of("urn:polity:problem:role-missing", "urn:polity:problem:tenant-mismatch");
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static LocalFederation federation;
    private static Path work;
    private static final Map<String, String> SECRET_MODELS = new LinkedHashMap<>();
    private static final Map<String, String> SECRET_POLICIES = new LinkedHashMap<>();
    private static final Map<String, CachedToken> TOKENS = new ConcurrentHashMap<>();
    private static String shortLivedToken;
    private static Instant shortLivedExpiry;

    /** How a route is bound to an organisation, as far as a tenant (not the central organisation) is concerned. */
    enum Binding {
        /** No organisation anywhere in the request: tried once. */
        NONE,
        /** The organisation in the path or body must be the caller's. */
        OWN,
        /** Another organisation is allowed (the registry judges sharing). */
        CROSS,
        /** Only the central organisation: every tenant is refused. */
        CENTRAL,
        /** Like OWN, but another organisation's record is hidden (404) rather than refused. */
        HIDDEN
    }

    record Route(String method, String path, String body, Set<String> roles, Binding binding) {

        String describe() {
            return method + " " + path;
        }
    }

    /** The permission table as the root README states it, with a request for each row. */
    private static List<Route> routes() {
        String policy = """
                {"id": "matrix-{org}-{rand}", "scope": {"level": "organization", "organization": "{org}"}, "type": "custom",
                 "enforcement": "advisory", "rules": [{"name": "always", "expression": "true", "message": "never shown"}]}""";
        return List.of(
                new Route("GET", "/api/v1/me", null, ANY, Binding.NONE),
                new Route("POST", "/api/v1/pipelines/deployments", "{}", BUILDERS, Binding.NONE),
                new Route("GET", "/api/v1/break-glass/grants", null, Set.of("platform_admin", "auditor", "compliance_officer"), Binding.NONE),
                new Route("POST", "/api/v1/break-glass/grants", "{}", Set.of("platform_admin"), Binding.NONE),
                new Route("DELETE", "/api/v1/break-glass/grants/" + UUID.randomUUID(), null, Set.of("platform_admin"), Binding.NONE),
                new Route("POST", "/api/v1/decisions/dry-run", "{}", Set.of("policy_author", "policy_approver"), Binding.NONE),
                new Route("POST", "/api/v1/decisions", "{\"model_id\": \"{org}/{model}\", \"organization_id\": \"{org}\", \"model_metadata\": {}}",
                        BUILDERS, Binding.OWN),
                new Route("GET", "/api/v1/models?organization={org}", null, union(READERS, Set.of("business_analyst")), Binding.CROSS),
                new Route("POST", "/api/v1/models/{org}/{model}/access-requests", "{}", union(BUILDERS, Set.of("ml_lead")), Binding.CROSS),
                new Route("GET", "/api/v1/models/{org}/{model}/access-requests", null, SHARING, Binding.CROSS),
                new Route("POST", "/api/v1/models/{org}/{model}/access-requests/" + UUID.randomUUID() + "/approval", "{}",
                        Set.of("ml_lead", "product_owner", "platform_admin"), Binding.OWN),
                new Route("GET", "/api/v1/models/{org}/{model}/grants", null, SHARING, Binding.CROSS),
                new Route("POST", "/api/v1/models/{org}/{model}/versions/1.0.0/usage", "{}", union(BUILDERS, Set.of("business_analyst")),
                        Binding.CROSS),
                new Route("GET", "/api/v1/models/{org}/{model}/versions/1.0.0/usage", null, SHARING, Binding.OWN),
                new Route("POST", "/api/v1/models/{org}/{model}/versions/1.0.0/transitions/" + UUID.randomUUID() + "/sign-offs", "{}",
                        Set.of("security_reviewer", "compliance_officer", "stakeholder"), Binding.OWN),
                new Route("GET", "/api/v1/models/{org}/{model}", null, READERS, Binding.CROSS),
                new Route("GET", "/api/v1/models/{org}/{model}/versions", null, READERS, Binding.CROSS),
                new Route("GET", "/api/v1/models/{org}/{model}/versions/1.0.0", null, READERS, Binding.CROSS),
                new Route("GET", "/api/v1/models/{org}/{model}/versions/1.0.0/card", null, READERS, Binding.CROSS),
                new Route("GET", "/api/v1/models/{org}/{model}/versions/1.0.0/history", null, READERS, Binding.OWN),
                new Route("POST", "/api/v1/models/{org}/{model}/versions", "{}", BUILDERS, Binding.OWN),
                new Route("PATCH", "/api/v1/models/{org}/{model}", "{}", BUILDERS, Binding.OWN),
                new Route("GET", "/api/v1/collaborations", null, SHARING, Binding.NONE),
                new Route("GET", "/api/v1/consortia/" + UUID.randomUUID(), null, SHARING, Binding.NONE),
                new Route("GET", "/api/v1/audit/events?subject=model/{org}/{model}", null, AUDIT, Binding.NONE),
                new Route("GET", "/api/v1/audit/events?organization={org}", null, AUDIT, Binding.OWN),
                new Route("GET", "/api/v1/audit/events/1", null, AUDIT, Binding.NONE),
                new Route("GET", "/api/v1/audit/checkpoints", null, AUDIT, Binding.NONE),
                new Route("GET", "/api/v1/audit/log", null, AUDIT, Binding.NONE),
                new Route("GET", "/api/v1/audit/verify", null, Set.of("auditor"), Binding.NONE),
                new Route("GET", "/api/v1/audit/export", null, Set.of("auditor"), Binding.NONE),
                new Route("GET", "/api/v1/organizations/{org}/compliance-status", null, AUDIT, Binding.OWN),
                new Route("GET", "/api/v1/organizations/{org}", null, ANY, Binding.CROSS),
                new Route("POST", "/api/v1/organizations", "{}", Set.of("platform_admin"), Binding.CENTRAL),
                new Route("PUT", "/api/v1/organizations/{org}", "{}", Set.of("platform_admin"), Binding.OWN),
                new Route("GET", "/api/v1/bundles/keys", null, ANY, Binding.NONE),
                new Route("GET", "/api/v1/bundles/{org}", null, GOVERNANCE, Binding.OWN),
                new Route("POST", "/api/v1/bundles/{org}", null, Set.of("platform_admin"), Binding.OWN),
                new Route("GET", "/api/v1/policies", null, GOVERNANCE, Binding.NONE),
                new Route("GET", "/api/v1/policies/{policy}", null, GOVERNANCE, Binding.HIDDEN),
                new Route("POST", "/api/v1/policies", policy, Set.of("policy_author"), Binding.OWN),
                new Route("GET", "/api/v1/policy-changes", null, GOVERNANCE, Binding.NONE),
                new Route("GET", "/api/v1/overrides", null, GOVERNANCE, Binding.NONE),
                new Route("POST", "/api/v1/overrides", "{\"organization_id\": \"{org}\"}", Set.of("policy_author"), Binding.OWN));
    }

    @BeforeAll
    static void startFederation() throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", "..")).toAbsolutePath().normalize();
        // Readable by others: PostgreSQL runs as the postgres user when the build runs as root.
        work = Files.createTempDirectory("polity-isolation",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        KeycloakCache.seed(work);
        federation = LocalFederation.start(new FederationOptions(root, root.resolve("deploy/local/federation.yaml"), work,
                FederationOptions.Identity.KEYCLOAK, false));
        KeycloakCache.save(work);
        shortLivedToken = shortLivedToken();
        shortLivedExpiry = Instant.now().plusSeconds(1);
        for (String organization : TENANTS) {
            for (String role : ROLES) {
                token(organization, role);
            }
        }
        for (String organization : TENANTS) {
            String model = "secret-" + organization + "-" + UUID.randomUUID().toString().substring(0, 8);
            HttpResponse<String> registered = send(token(organization, "ml_engineer"), "POST", "/api/v1/pipelines/deployments",
                    deployment(model, "staging", "{\"contains_pii\": false}", "private"));
            assertThat(registered.statusCode()).as(registered.body()).isEqualTo(200);
            SECRET_MODELS.put(organization, model);
            String policy = "secret-policy-" + organization + "-" + UUID.randomUUID().toString().substring(0, 8);
            HttpResponse<String> authored = send(token(organization, "policy_author"), "POST", "/api/v1/policies", """
                    {"id": "%s", "scope": {"level": "organization", "organization": "%s"}, "type": "custom",
                     "enforcement": "advisory", "rules": [{"name": "always", "expression": "true", "message": "never shown"}]}"""
                    .formatted(policy, organization));
            assertThat(authored.statusCode()).as(authored.body()).isIn(200, 201, 202);
            SECRET_POLICIES.put(organization, policy);
        }
    }

    @AfterAll
    static void stopFederation() throws Exception {
        if (federation != null) {
            federation.close();
        }
        if (work != null) {
            // About 270 MB of Kafka, PostgreSQL and Keycloak data; the Keycloak build itself stays in target/keycloak-cache.
            KeycloakCache.delete(work);
        }
    }

    @Test
    void noRoleOfOneOrganizationReachesAnotherOrganizationsData() throws Exception {
        List<Case> cases = new ArrayList<>();
        for (String organization : TENANTS) {
            String other = TENANTS.stream().filter(o -> !o.equals(organization)).findFirst().orElseThrow();
            for (String role : ROLES) {
                for (Route route : routes()) {
                    cases.add(new Case(organization, role, route, organization));
                    if (route.binding() != Binding.NONE && route.binding() != Binding.CENTRAL) {
                        cases.add(new Case(organization, role, route, other));
                    }
                }
            }
        }
        List<String> failures = Collections.synchronizedList(new ArrayList<>());
        List<String> leaks = Collections.synchronizedList(new ArrayList<>());
        List<String> serviceRefusals = Collections.synchronizedList(new ArrayList<>());
        List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(4)) {
            List<Future<?>> running = new ArrayList<>();
            for (Case c : cases) {
                running.add(pool.submit(() -> c.check(failures, leaks, serviceRefusals, serverErrors)));
            }
            for (Future<?> future : running) {
                future.get();
            }
        }
        long seconds = Duration.ofNanos(System.nanoTime() - start).toSeconds();
        System.out.printf("tenant isolation: %d requests in %d s; %d leaks, %d gateway expectation failures, %d service refusals, "
                + "%d server errors%n", cases.size(), seconds, leaks.size(), failures.size(), serviceRefusals.size(), serverErrors.size());
        Path report = Path.of("target", "tenant-isolation-report.txt");
        Files.createDirectories(report.getParent());
        Files.write(report, Stream.of(List.of("requests: " + cases.size() + " in " + seconds + " s"),
                List.of("", "leaks:"), leaks, List.of("", "gateway expectation failures:"), failures,
                List.of("", "refused by the service although the table allows it (role mismatches):"), serviceRefusals.stream().sorted().toList(),
                List.of("", "server errors:"), serverErrors.stream().sorted().toList()).flatMap(List::stream).toList());
        assertThat(leaks).as("answers to one organisation that carry another's private data").isEmpty();
        assertThat(failures).as("requests the gateway answered against the permission table").isEmpty();
    }

    @Test
    void refusesExpiredUnsignedAndWronglySignedKeycloakTokensOnEveryRoute() throws Exception {
        String valid = token("globalcorp-eu", "ml_engineer");
        String[] parts = valid.split("\\.");
        String unsigned = base64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + parts[1] + ".";
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(generator.generateKeyPair().getPrivate());
        signature.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        String wronglySigned = parts[0] + "." + parts[1] + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature.sign());
        String tampered = parts[0] + "." + base64(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"globalcorp-eu\"", "\"nimbus-ai\"")) + "." + parts[2];
        // The short-lived token expired 1 s after it was issued; the gateway allows 10 s of clock skew.
        await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(shortLivedExpiry.plusSeconds(12)));
        assertThat(send(valid, "GET", "/api/v1/me", null).statusCode()).isEqualTo(200);
        List<String> failures = new ArrayList<>();
        for (Route route : routes()) {
            for (Map.Entry<String, String> bad : Map.of("expired", shortLivedToken, "unsigned", unsigned, "wrongly signed", wronglySigned,
                    "tampered", tampered).entrySet()) {
                HttpResponse<String> response = send(bad.getValue(), route.method(), fill(route.path(), "globalcorp-eu"),
                        route.body() == null ? null : fill(route.body(), "globalcorp-eu"));
                if (response.statusCode() != 401) {
                    failures.add(bad.getKey() + " token: " + route.describe() + " answered " + response.statusCode());
                }
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void pipelineCallRegistersDecidesAndPointsAtTheAuditLog() throws Exception {
        String pipeline = token("globalcorp-eu", "ml_engineer");
        String model = "credit-" + UUID.randomUUID().toString().substring(0, 8);

        HttpResponse<String> denied = send(pipeline, "POST", "/api/v1/pipelines/deployments",
                deployment(model + "-pii", "staging", "{\"contains_pii\": true}", "organization"));
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(403);
        assertThat(denied.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode deniedBody = Json.mapper().readTree(denied.body());
        assertThat(deniedBody.get("type").asText()).isEqualTo("urn:polity:problem:deployment-denied");
        assertThat(deniedBody.at("/reasons/0/message").asText()).isEqualTo("PII detected without anonymization");

        HttpResponse<String> conditional = send(pipeline, "POST", "/api/v1/pipelines/deployments", deployment(model, "staging",
                "{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\", \"consent_tracked\": false}", "organization"));
        assertThat(conditional.statusCode()).as(conditional.body()).isEqualTo(200);
        JsonNode answer = Json.mapper().readTree(conditional.body());
        assertThat(answer.get("outcome").asText()).isEqualTo("conditional");
        assertThat(answer.get("registered").asBoolean()).isTrue();
        assertThat(answer.at("/constraints/shadow_mode").asBoolean()).isTrue();

        // The same version again: already registered, decided on what is stored.
        HttpResponse<String> again = send(pipeline, "POST", "/api/v1/pipelines/deployments", deployment(model, "staging",
                "{\"contains_pii\": false}", "organization"));
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(Json.mapper().readTree(again.body()).get("registered").asBoolean()).isFalse();
        assertThat(Json.mapper().readTree(again.body()).get("outcome").asText()).isEqualTo("conditional");

        String decisionId = answer.get("decision_id").asText();
        String auditor = token("globalcorp-eu", "auditor");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> audit = send(auditor, "GET", answer.at("/audit/decision").asText(), null);
            assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
            assertThat(audit.body()).contains(decisionId);
        });
    }

    @Test
    void breakGlassGrantAppliesUntilRevokedAndEveryStepIsInTheAuditLog() throws Exception {
        String admin = token("globalcorp-eu", "platform_admin");
        String engineer = token("globalcorp-eu", "data_engineer");
        assertThat(send(engineer, "GET", "/api/v1/break-glass/grants", null).statusCode()).isEqualTo(403);
        HttpResponse<String> granted = send(admin, "POST", "/api/v1/break-glass/grants", """
                {"user": "globalcorp-eu.data_engineer", "role": "auditor", "duration": "PT10M",
                 "reason": "INC-4711: audit export for the regulator, auditors unreachable"}""");
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(201);
        String id = Json.mapper().readTree(granted.body()).get("id").asText();
        assertThat(send(engineer, "GET", "/api/v1/break-glass/grants", null).statusCode()).isEqualTo(200);
        // The same user name in another organisation gets nothing (there is none; its data_engineer stays refused).
        assertThat(send(token("nimbus-ai", "data_engineer"), "GET", "/api/v1/break-glass/grants", null).statusCode()).isEqualTo(403);
        assertThat(send(admin, "DELETE", "/api/v1/break-glass/grants/" + id, null).statusCode()).isEqualTo(204);
        assertThat(send(engineer, "GET", "/api/v1/break-glass/grants", null).statusCode()).isEqualTo(403);

        String auditor = token("globalcorp-eu", "auditor");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> audit = send(auditor, "GET", "/api/v1/audit/events?subject=break-glass/" + id, null);
            assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
            List<String> types = new ArrayList<>();
            Json.mapper().readTree(audit.body()).get("items").forEach(item -> types.add(item.get("type").asText()));
            assertThat(types).containsExactly("polity.breakglass.granted", "polity.breakglass.used", "polity.breakglass.ended");
        });
    }

    /** One request of the matrix. */
    record Case(String organization, String role, Route route, String target) {

        void check(List<String> failures, List<String> leaks, List<String> serviceRefusals, List<String> serverErrors) {
            String path = fill(route.path(), target);
            String body = route.body() == null ? null : fill(route.body(), target);
            HttpResponse<String> response = send(token(organization, role), route.method(), path, body);
            int status = response.statusCode();
            String label = organization + "." + role + " " + route.method() + " " + path + (target.equals(organization) ? "" : " (other)")
                    + " -> " + status;
            String type = problemType(response);
            boolean refusedByGateway = status == 403 && GATEWAY_REFUSALS.contains(type);
            boolean expected = route.roles().contains(role) && switch (route.binding()) {
                case NONE, CROSS -> true;
                case OWN, HIDDEN -> target.equals(organization);
                case CENTRAL -> false;
            };
            boolean hidden = route.binding() == Binding.HIDDEN && !target.equals(organization) && route.roles().contains(role);
            if (hidden) {
                if (status != 404 && !refusedByGateway) {
                    failures.add(label + ": another organisation's record must be hidden (404) or refused (403)");
                }
            } else if (expected && (status == 401 || refusedByGateway)) {
                failures.add(label + ": the table allows it; " + response.body());
            } else if (!expected && !refusedByGateway) {
                failures.add(label + ": the table forbids it");
            } else if (expected && status == 403) {
                serviceRefusals.add(route.method() + " " + route.path() + " refused to " + role + " by the service: " + response.body());
            }
            if (status >= 500 && !refusedByGateway) {
                serverErrors.add(label + ": " + response.body());
            }
            if (status / 100 == 2) {
                for (String foreign : TENANTS) {
                    if (foreign.equals(organization)) {
                        continue;
                    }
                    for (String marker : List.of(SECRET_MODELS.get(foreign), SECRET_POLICIES.get(foreign))) {
                        if (response.body().contains(marker)) {
                            leaks.add(label + " carries " + marker);
                        }
                    }
                }
            }
        }
    }

    private static String fill(String template, String organization) {
        return template.replace("{org}", organization)
                .replace("{model}", SECRET_MODELS.getOrDefault(organization, "none"))
                .replace("{policy}", SECRET_POLICIES.getOrDefault(organization, "none"))
                .replace("{rand}", UUID.randomUUID().toString().substring(0, 8));
    }

    private static String problemType(HttpResponse<String> response) {
        if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            return "";
        }
        try {
            return Json.mapper().readTree(response.body()).path("type").asText();
        } catch (IOException e) {
            return "";
        }
    }

    private static String deployment(String model, String environment, String trainingData, String accessLevel) {
        return """
                {"model": "%s", "environment": "%s",
                 "version": {"version": "1.0.0", "artifact_uri": "s3://models/%s/1.0.0/model.onnx", "artifact_sha256": "%s",
                             "framework": "xgboost", "lineage": {"dataset_id": "loans", "dataset_version": "2026-10", "git_commit": "4f2a9c1"},
                             "training_data": %s, "created_by": "pipeline", "model": {"access_level": "%s"}},
                 "deployment_context": {"region": "eu"}}""".formatted(model, environment, model, "ab".repeat(32), trainingData, accessLevel);
    }

    private static HttpResponse<String> send(String token, String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(federation.gatewayUrl() + encodeQuery(path)))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + token);
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String encodeQuery(String path) {
        int query = path.indexOf('?');
        if (query < 0) {
            return path;
        }
        StringBuilder encoded = new StringBuilder(path.substring(0, query + 1));
        for (String parameter : path.substring(query + 1).split("&")) {
            String[] pair = parameter.split("=", 2);
            if (encoded.charAt(encoded.length() - 1) != '?') {
                encoded.append('&');
            }
            String value = pair.length > 1 ? java.net.URLDecoder.decode(pair[1], StandardCharsets.UTF_8) : "";
            encoded.append(pair[0]).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
        return encoded.toString();
    }

    /**
     * A person's token from the realm's polity-cli client (password grant), reused for four minutes. One login
     * at a time: the realm's brute-force protection locks a user out who logs in several times at once.
     */
    static synchronized String token(String organization, String role) {
        String user = organization + "." + role;
        CachedToken cached = TOKENS.get(user);
        if (cached != null && cached.fetched().isAfter(Instant.now().minusSeconds(240))) {
            return cached.token();
        }
        String form = "grant_type=password&client_id=polity-cli&username=" + URLEncoder.encode(user, StandardCharsets.UTF_8)
                + "&password=" + URLEncoder.encode(user + "-password", StandardCharsets.UTF_8);
        String token = requestToken(form, null, user);
        TOKENS.put(user, new CachedToken(token, Instant.now()));
        return token;
    }

    private record CachedToken(String token, Instant fetched) {
    }

    /** A client the test adds through Keycloak's admin API whose tokens live 1 s: a genuinely Keycloak-signed expired token. */
    private static String shortLivedToken() {
        String base = federation.issuer().substring(0, federation.issuer().indexOf("/realms/"));
        String adminToken = requestTokenAt(base + "/realms/master/protocol/openid-connect/token",
                "grant_type=password&client_id=admin-cli&username=admin&password=admin", null, "admin");
        String client = """
                {"clientId": "expiry-probe", "enabled": true, "publicClient": false, "secret": "expiry-probe-secret",
                 "serviceAccountsEnabled": true, "standardFlowEnabled": false, "directAccessGrantsEnabled": false,
                 "attributes": {"access.token.lifespan": "1"},
                 "protocolMappers": [{"name": "org_id", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-claim-mapper",
                   "config": {"claim.name": "org_id", "claim.value": "globalcorp-eu", "jsonType.label": "String", "access.token.claim": "true"}}]}""";
        HttpRequest create = HttpRequest.newBuilder(URI.create(base + "/admin/realms/polity/clients"))
                .header("Authorization", "Bearer " + adminToken).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(client)).build();
        try {
            HttpResponse<String> created = CLIENT.send(create, HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isIn(201, 409);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return requestToken("grant_type=client_credentials", "expiry-probe:expiry-probe-secret", "expiry-probe");
    }

    private static String requestToken(String form, String basic, String who) {
        return requestTokenAt(federation.tokenEndpoint(), form, basic, who);
    }

    private static String requestTokenAt(String endpoint, String form, String basic, String who) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(endpoint)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (basic != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("token for " + who + ": " + response.statusCode() + " " + response.body());
            }
            return Json.mapper().readTree(response.body()).get("access_token").asText();
        } catch (IOException e) {
            throw new IllegalStateException("token for " + who + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String base64(String text) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        java.util.HashSet<String> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }
}
