package dev.polity.registry.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A stand-in for the policy nodes of {@code acme} and {@code globex} (initech has none): a JDK HTTP server
 * answering {@code POST /<org>/api/v1/decisions} the way policy-service does with the sample federation's
 * PII policies: training data with PII and no anonymisation method is denied (blocking
 * {@code pii-anonymization}); PII without consent tracking is conditional ({@code pii-consent}: shadow mode,
 * consent tracking); anything else approved. A model named {@code *node-fails*} gets a 500. It refuses
 * requests without a bearer token (401) or for another organisation (400), and keeps every request it got,
 * readable at {@code GET /<org>/requests?model_id=<org>/<name>}, so tests can check what the registry sent.
 * The real node is exercised end to end by local-federation's test.
 */
public class PolicyNodeStub implements QuarkusTestResourceLifecycleManager {

    public static final String BUNDLE_REVISION = "7";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static HttpServer server;
    private static final Map<String, List<JsonNode>> REQUESTS = new ConcurrentHashMap<>();

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException("cannot start the policy node stub", e);
            }
            server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
            server.createContext("/", PolicyNodeStub::handle);
            server.start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(0), "policy-node-stub-stop"));
        }
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "polity.registry.policy-nodes.acme", base + "/acme",
                "polity.registry.policy-nodes.globex", base + "/globex");
    }

    @Override
    public void stop() {
        // Shared by every test class in this JVM; stopped by the shutdown hook.
    }

    private static void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String[] path = exchange.getRequestURI().getPath().split("/");
            String org = path.length > 1 ? path[1] : "";
            String rest = String.join("/", List.of(path).subList(Math.min(2, path.length), path.length));
            if ("GET".equals(exchange.getRequestMethod()) && rest.equals("requests")) {
                String modelId = URLDecoder.decode(exchange.getRequestURI().getQuery().replace("model_id=", ""), StandardCharsets.UTF_8);
                ArrayNode recorded = JSON.createArrayNode();
                REQUESTS.getOrDefault(modelId, List.of()).forEach(recorded::add);
                respond(exchange, 200, recorded);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod()) || !rest.equals("api/v1/decisions")) {
                respond(exchange, 404, problem(404, "no such endpoint"));
                return;
            }
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization == null || !authorization.startsWith("Bearer ")) {
                respond(exchange, 401, problem(401, "a bearer token is required"));
                return;
            }
            JsonNode request = JSON.readTree(exchange.getRequestBody());
            ObjectNode recorded = ((ObjectNode) request.deepCopy()).put("authorization", authorization);
            REQUESTS.computeIfAbsent(request.path("model_id").asText(), key -> new CopyOnWriteArrayList<>()).add(recorded);
            if (!org.equals(request.path("organization_id").asText())) {
                respond(exchange, 400, problem(400, "organization_id must be " + org));
                return;
            }
            if (request.path("model_id").asText().contains("node-fails")) {
                respond(exchange, 500, problem(500, "evaluation failed"));
                return;
            }
            respond(exchange, 200, decide(org, request));
        }
    }

    private static ObjectNode decide(String org, JsonNode request) {
        JsonNode training = request.path("model_metadata").path("training_data");
        boolean pii = training.path("contains_pii").asBoolean(false);
        boolean anonymised = training.hasNonNull("anonymization_method");
        boolean consent = training.path("consent_tracked").asBoolean(false);
        ObjectNode decision = JSON.createObjectNode();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        decision.put("decision_id", UUID.randomUUID().toString());
        decision.put("organization_id", org);
        decision.put("model_id", request.path("model_id").asText());
        ArrayNode evaluations = decision.putArray("policy_evaluations");
        ArrayNode conditions = decision.putArray("conditions");
        ObjectNode constraints = decision.putObject("constraints");
        if (pii && !anonymised) {
            decision.put("decision", "denied");
            ObjectNode evaluation = evaluations.addObject().put("policy_id", "pii-anonymization").put("decision", "denied")
                    .put("reason", "PII detected without anonymization");
            evaluation.putArray("rules").addObject().put("name", "pii-anonymized").put("passed", false)
                    .put("message", "PII detected without anonymization")
                    .put("remedy", "Anonymise the training data and register a new version");
        } else if (pii && !consent) {
            decision.put("decision", "conditional");
            conditions.add("Implement consent tracking for PII usage");
            constraints.put("consent_tracking_required", true).put("shadow_mode", true);
            ObjectNode evaluation = evaluations.addObject().put("policy_id", "pii-consent").put("decision", "conditional");
            evaluation.putArray("rules").addObject().put("name", "consent-tracked").put("passed", false)
                    .put("message", "PII used without consent tracking");
        } else {
            decision.put("decision", "approved");
            evaluations.addObject().put("policy_id", "pii-anonymization").put("decision", "approved");
        }
        decision.put("bundle_revision", Long.parseLong(BUNDLE_REVISION));
        decision.put("bundle_digest", "sha256:stub");
        decision.put("node_id", org + "-node");
        decision.put("evaluated_at", now.toString());
        decision.put("expires_at", now.plusSeconds(86_400).toString());
        return decision;
    }

    private static ObjectNode problem(int status, String detail) {
        return JSON.createObjectNode().put("type", "urn:polity:problem:stub").put("status", status).put("detail", detail);
    }

    private static void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", status == 200 ? "application/json" : "application/problem+json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }
}
