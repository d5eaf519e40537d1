package dev.polity.gateway;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.polity.devstack.oidc.OidcTestServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real OIDC provider (devstack's, RS256 tokens, JWKS discovery) and a stand-in for the services behind
 * the gateway. By default it echoes what it received, so tests see exactly what the gateway forwarded;
 * a few paths answer like the real services so the gateway's own logic can be exercised:
 * <ul>
 *   <li>{@code .../flaky-*}: 503 on the first call of each path, then 200 (retries);</li>
 *   <li>{@code .../slow-*}: answers after 3 s (timeouts);</li>
 *   <li>{@code POST /api/v1/models/acme/pipe-*}/versions: the registry ({@code *existing*}: 409, {@code *invalid*}: 400);</li>
 *   <li>{@code POST /api/v1/decisions} with {@code requested_permissions}: a policy node's decision
 *       (PII in the stored facts: denied; production: conditional; else approved);</li>
 *   <li>{@code GET /api/v1/policies...}, {@code /api/v1/audit/events/{7,8}}: records of other organisations.</li>
 * </ul>
 * Kafka comes from devstack (see the test classes); PostgreSQL is not involved.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    static OidcTestServer oidc;
    static OidcTestServer foreignOidc;
    /** Calls the stand-in received, by path. */
    static final Map<String, AtomicInteger> CALLS = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();
    private HttpServer echo;

    static String token(String subject, String organization, List<String> roles) {
        return oidc.issueToken(subject, Map.of("org_id", organization, "roles", roles, "team_id", "growth", "azp", "client-" + subject),
                Duration.ofMinutes(5));
    }

    static String token(String organization, String role) {
        return token(organization + "-" + role, organization, List.of(role));
    }

    static int calls(String path) {
        AtomicInteger count = CALLS.get(path);
        return count == null ? 0 : count.get();
    }

    @Override
    public Map<String, String> start() {
        oidc = OidcTestServer.start();
        foreignOidc = OidcTestServer.start();
        try {
            echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        echo.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        echo.createContext("/", exchange -> {
            try {
                handle(exchange);
            } finally {
                exchange.close();
            }
        });
        echo.start();
        String echoUrl = "http://127.0.0.1:" + echo.getAddress().getPort();
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.oidc.auth-server-url", oidc.issuer());
        config.put("polity.gateway.registry-url", echoUrl);
        config.put("polity.gateway.audit-url", echoUrl);
        config.put("polity.gateway.sync-url", echoUrl);
        config.put("polity.gateway.policy-nodes.acme", echoUrl);
        config.put("polity.gateway.policy-nodes.globex", echoUrl);
        config.put("polity.gateway.policy-nodes.hq", echoUrl);
        // Nothing listens on port 1: the nodes of these organisations are "down".
        config.put("polity.gateway.policy-nodes.downco", "http://127.0.0.1:1");
        config.put("polity.gateway.policy-nodes.brokenco", "http://127.0.0.1:1");
        // Nodes behind a base path, which the stand-in answers like the flaky-* and slow-* paths above.
        config.put("polity.gateway.policy-nodes.flakyco", echoUrl + "/flaky-node");
        config.put("polity.gateway.policy-nodes.slowco", echoUrl + "/slow-node");
        // Nodes whose answers are large (many TCP reads), with a Content-Length and chunked without one.
        config.put("polity.gateway.policy-nodes.largeco", echoUrl + "/large-node");
        config.put("polity.gateway.policy-nodes.chunkedco", echoUrl + "/chunked-node");
        config.put("polity.gateway.central-organization", "hq");
        config.put("polity.gateway.request-timeout", "PT1S");
        config.put("polity.gateway.resilience.retry-delay", "PT0.05S");
        config.put("polity.gateway.resilience.circuit-breaker-window", "10");
        config.put("polity.gateway.resilience.circuit-breaker-delay", "PT30S");
        config.put("polity.gateway.quotas.clients.quota-hour.per-hour", "3");
        config.put("polity.gateway.quotas.clients.quota-shared.per-hour", "3");
        config.put("polity.gateway.quotas.clients.quota-day.per-day", "2");
        config.put("polity.gateway.break-glass.sweep-interval", "PT0.3S");
        config.put("polity.break-glass.topic", "polity.gateway.break-glass.test-" + UUID.randomUUID());
        return config;
    }

    private static void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        byte[] body = exchange.getRequestBody().readAllBytes();
        int count = CALLS.computeIfAbsent(method + " " + path, key -> new AtomicInteger()).incrementAndGet();
        if (path.contains("/flaky-") && count == 1) {
            respond(exchange, 503, "application/problem+json", "{\"status\": 503, \"detail\": \"warming up\"}");
            return;
        }
        if (path.contains("/slow-")) {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (path.startsWith("/large-node/") || path.startsWith("/chunked-node/")) {
            largeAnswer(exchange, path.startsWith("/chunked-node/"));
            return;
        }
        if (path.startsWith("/api/v1/models/acme/pipe-") && path.endsWith("/versions") && method.equals("POST")) {
            registry(exchange, path, body);
            return;
        }
        if (path.startsWith("/api/v1/models/acme/pipe-existing") && method.equals("GET")) {
            ObjectNode stored = version(path.split("/")[5], path.substring(path.lastIndexOf('/') + 1));
            stored.set("training_data", JSON.readTree("{\"contains_pii\": false}"));
            respond(exchange, 200, "application/json", JSON.writeValueAsString(stored));
            return;
        }
        if (path.equals("/api/v1/decisions") && body.length > 0 && JSON.readTree(body).has("requested_permissions")) {
            decide(exchange, JSON.readTree(body));
            return;
        }
        if (method.equals("GET") && path.startsWith("/api/v1/policies")) {
            policies(exchange, path);
            return;
        }
        if (method.equals("GET") && path.matches("/api/v1/audit/events/[78](/.*)?")) {
            String organization = path.startsWith("/api/v1/audit/events/7") ? "globex" : "acme";
            respond(exchange, 200, "application/json", "{\"sequence\": " + path.split("/")[5] + ", \"organization\": \"" + organization
                    + "\", \"type\": \"polity.decision.made\", \"path\": \"" + path + "\"}");
            return;
        }
        if (method.equals("GET") && path.matches("/api/v1/(policy-changes|overrides)/[a-z0-9-]+")) {
            String id = path.substring(path.lastIndexOf('/') + 1);
            respond(exchange, 200, "application/json", "{\"id\": \"" + id + "\", \"organization_id\": \"" + id.split("-")[0] + "\"}");
            return;
        }
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        String answer = "{\"method\":\"" + method + "\",\"uri\":\"" + exchange.getRequestURI()
                + "\",\"authorization_forwarded\":" + (auth != null && auth.startsWith("Bearer "))
                + ",\"body\":" + (body.length == 0 ? "null" : new String(body, StandardCharsets.UTF_8)) + "}";
        exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/api/v1/echoed");
        exchange.getResponseHeaders().add("X-Internal-Secret", "must-not-leak");
        respond(exchange, method.equals("POST") ? 201 : 200, "application/json", answer);
    }

    private static void registry(HttpExchange exchange, String path, byte[] body) throws IOException {
        String name = path.split("/")[5];
        if (name.contains("existing")) {
            respond(exchange, 409, "application/problem+json", "{\"status\": 409, \"detail\": \"already registered\"}");
            return;
        }
        if (name.contains("invalid")) {
            respond(exchange, 400, "application/problem+json",
                    "{\"type\": \"urn:polity:problem:validation\", \"status\": 400, \"detail\": \"artifact_sha256: is required\"}");
            return;
        }
        JsonNode registration = JSON.readTree(body);
        ObjectNode stored = version(name, registration.path("version").asText());
        if (registration.has("training_data")) {
            stored.set("training_data", registration.get("training_data"));
        }
        respond(exchange, 201, "application/json", JSON.writeValueAsString(stored));
    }

    private static ObjectNode version(String name, String version) {
        ObjectNode stored = JSON.createObjectNode();
        stored.put("organization", "acme");
        stored.put("name", name);
        stored.put("version", version);
        stored.put("framework", "xgboost");
        stored.put("status", "development");
        stored.set("risk", JSON.createObjectNode().put("level", "medium").put("score", 1));
        stored.put("registered_by", "someone");
        return stored;
    }

    private static void decide(HttpExchange exchange, JsonNode request) throws IOException {
        boolean pii = request.at("/model_metadata/training_data/contains_pii").asBoolean(false);
        String environment = request.at("/deployment_context/environment").asText();
        ObjectNode decision = JSON.createObjectNode();
        decision.put("decision_id", UUID.randomUUID().toString());
        decision.put("organization_id", request.path("organization_id").asText());
        decision.put("model_id", request.path("model_id").asText());
        decision.put("bundle_revision", 7);
        decision.put("expires_at", "2030-01-01T00:00:00Z");
        decision.set("received", request);
        if (pii) {
            decision.put("decision", "denied");
            decision.set("policy_evaluations", JSON.readTree("""
                    [{"policy_id": "pii-anonymization", "decision": "denied", "rules": [
                       {"name": "anonymized", "passed": false, "message": "PII detected without anonymization",
                        "remedy": "Anonymise the training data"}]},
                     {"policy_id": "bias-threshold", "decision": "approved", "rules": [{"name": "tested", "passed": true}]}]
                    """));
            decision.set("conditions", JSON.createArrayNode());
            decision.set("constraints", JSON.createObjectNode());
        } else if (environment.equals("production")) {
            decision.put("decision", "conditional");
            decision.set("policy_evaluations", JSON.readTree("""
                    [{"policy_id": "high-risk-rollout", "decision": "conditional", "rules": [
                       {"name": "canary", "passed": false, "message": "Medium-risk models start in shadow mode"}]}]
                    """));
            decision.set("conditions", JSON.readTree("[\"shadow_mode\"]"));
            decision.set("constraints", JSON.readTree("{\"max_traffic_percent\": 10}"));
        } else {
            decision.put("decision", "approved");
            decision.set("policy_evaluations", JSON.createArrayNode());
            decision.set("conditions", JSON.createArrayNode());
            decision.set("constraints", JSON.createObjectNode());
        }
        respond(exchange, 200, "application/json", JSON.writeValueAsString(decision));
    }

    private static void policies(HttpExchange exchange, String path) throws IOException {
        String global = "{\"id\": \"pii\", \"version\": 1, \"document\": {\"id\": \"pii\", \"scope\": {\"level\": \"global\"}}}";
        String acme = "{\"id\": \"acme-only\", \"version\": 1, \"document\": {\"id\": \"acme-only\", \"scope\": {\"level\": \"organization\", \"organization\": \"acme\"}}}";
        String globex = "{\"id\": \"globex-only\", \"version\": 1, \"document\": {\"id\": \"globex-only\", \"scope\": {\"level\": \"organization\", \"organization\": \"globex\"}}}";
        String answer = switch (path) {
            case "/api/v1/policies" -> "[" + global + "," + acme + "," + globex + "]";
            case "/api/v1/policies/globex-only" -> globex;
            case "/api/v1/policies/acme-only" -> acme;
            default -> global;
        };
        respond(exchange, 200, "application/json", answer);
    }

    /** The body {@link #largeAnswer} sends: 300 KB of JSON, every byte position distinguishable. */
    public static String largeAnswerBody() {
        StringBuilder padding = new StringBuilder(300_000);
        for (int i = 0; padding.length() < 300_000; i++) {
            padding.append(i).append(',');
        }
        return "{\"decision\": \"approved\", \"padding\": \"" + padding + "\"}";
    }

    /** A decision of {@link #largeAnswerBody}, with its Content-Length or chunked in pieces of 7,000 bytes. */
    private static void largeAnswer(HttpExchange exchange, boolean chunked) throws IOException {
        byte[] bytes = largeAnswerBody().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, chunked ? 0 : bytes.length);
        for (int offset = 0; offset < bytes.length; offset += 7_000) {
            exchange.getResponseBody().write(bytes, offset, Math.min(7_000, bytes.length - offset));
            exchange.getResponseBody().flush();
        }
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void stop() {
        echo.stop(0);
        oidc.close();
        foreignOidc.close();
    }
}
