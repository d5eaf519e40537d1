package dev.polity.gateway;

import com.sun.net.httpserver.HttpServer;
import dev.polity.devstack.oidc.OidcTestServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A real OIDC provider (devstack's, RS256 tokens, JWKS discovery) and an echo service that
 * stands in for the services behind the gateway: it answers with what it received, so tests can
 * see exactly what the gateway forwarded. Kafka and PostgreSQL are not involved here; the
 * end-to-end test in local-federation drives the real services through the gateway.
 */
public class GatewayTestResource implements QuarkusTestResourceLifecycleManager {

    static OidcTestServer oidc;
    static OidcTestServer foreignOidc;
    private HttpServer echo;

    @Override
    public Map<String, String> start() {
        oidc = OidcTestServer.start();
        foreignOidc = OidcTestServer.start();
        try {
            echo = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        echo.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            String answer = "{\"method\":\"" + exchange.getRequestMethod() + "\",\"uri\":\"" + exchange.getRequestURI()
                    + "\",\"authorization_forwarded\":" + (auth != null && auth.startsWith("Bearer "))
                    + ",\"body\":" + (body.length == 0 ? "null" : new String(body, StandardCharsets.UTF_8)) + "}";
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.getResponseHeaders().add("Location", "http://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/api/v1/echoed");
            exchange.getResponseHeaders().add("X-Internal-Secret", "must-not-leak");
            exchange.sendResponseHeaders(exchange.getRequestMethod().equals("POST") ? 201 : 200, bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        echo.start();
        String echoUrl = "http://127.0.0.1:" + echo.getAddress().getPort();
        return Map.of(
                "quarkus.oidc.auth-server-url", oidc.issuer(),
                "polity.gateway.registry-url", echoUrl,
                "polity.gateway.audit-url", echoUrl,
                "polity.gateway.sync-url", echoUrl,
                "polity.gateway.policy-nodes.acme", echoUrl,
                // Nothing listens on port 1: the node of this organisation is "down".
                "polity.gateway.policy-nodes.downco", "http://127.0.0.1:1");
    }

    @Override
    public void stop() {
        echo.stop(0);
        oidc.close();
        foreignOidc.close();
    }
}
