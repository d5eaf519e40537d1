package dev.polity.devstack;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Access tokens for tests, fetched from {@link OidcTestResource}'s provider with the client-credentials grant. */
public final class TestTokens {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");
    /** Tokens live five minutes; a test run is shorter, so one per client is enough. */
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();

    private TestTokens() {
    }

    /** A token of {@code organization}'s caller holding {@code role} (or {@code "none"} for no role). */
    public static String of(String organization, String role) {
        String endpoint = System.getProperty(OidcTestResource.TOKEN_ENDPOINT_PROPERTY);
        if (endpoint == null) {
            throw new IllegalStateException("no OIDC test server: add @QuarkusTestResource(OidcTestResource.class) to the test");
        }
        return CACHE.computeIfAbsent(endpoint + "|" + organization + "." + role, key -> fetch(endpoint, organization + "." + role));
    }

    private static String fetch(String endpoint, String client) {
        String basic = Base64.getEncoder().encodeToString((client + ":" + client + "-secret").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        try {
            HttpResponse<String> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
            Matcher token = ACCESS_TOKEN.matcher(response.body());
            if (response.statusCode() != 200 || !token.find()) {
                throw new IllegalStateException("token for " + client + ": " + response.statusCode() + " " + response.body());
            }
            return token.group(1);
        } catch (IOException e) {
            throw new IllegalStateException("token for " + client + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
