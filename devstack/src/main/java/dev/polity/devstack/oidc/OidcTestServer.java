package dev.polity.devstack.oidc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A small but real OpenID Connect provider for tests: it publishes discovery metadata and a JWK set, and
 * issues RS256-signed JWT access tokens with the client-credentials grant, so a gateway under test verifies
 * signatures, issuers and expiry exactly as it would against Keycloak.
 *
 * <p>It mimics Keycloak's path layout, so the gateway's OIDC configuration is the same for both; only the
 * host and port differ:
 * <ul>
 *   <li>issuer {@code http://127.0.0.1:<port>/realms/<realm>}</li>
 *   <li>{@code GET <issuer>/.well-known/openid-configuration}</li>
 *   <li>{@code GET <issuer>/protocol/openid-connect/certs} (also {@code <issuer>/jwks})</li>
 *   <li>{@code POST <issuer>/protocol/openid-connect/token} (also {@code <issuer>/token})</li>
 * </ul>
 *
 * <p>Like Keycloak, client-credentials tokens carry {@code sub} and {@code preferred_username}
 * {@code service-account-<client>}, {@code azp} and {@code client_id} the client, and {@code aud} {@code account}
 * unless the client's claims say otherwise; they live {@link #CLIENT_TOKEN_LIFETIME}.
 */
public final class OidcTestServer implements AutoCloseable {

    public static final String DEFAULT_REALM = "polity";
    /** Keycloak's default access token lifespan. */
    public static final Duration CLIENT_TOKEN_LIFETIME = Duration.ofMinutes(5);
    /** Keycloak's default audience for tokens that no audience mapper changed. */
    public static final String DEFAULT_AUDIENCE = "account";

    private static final String CERTS_PATH = "/protocol/openid-connect/certs";
    private static final String TOKEN_PATH = "/protocol/openid-connect/token";
    private static final String DISCOVERY_PATH = "/.well-known/openid-configuration";
    private static final String CLIENT_CREDENTIALS = "client_credentials";
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private final ObjectMapper json = new ObjectMapper();
    private final HttpServer server;
    private final ExecutorService executor;
    private final String realmPath;
    private final String issuer;
    private final KeyPair keyPair;
    private final String keyId;
    private final Map<String, RegisteredClient> clients = new ConcurrentHashMap<>();

    private OidcTestServer(HttpServer server, ExecutorService executor, String realm, KeyPair keyPair) {
        this.server = server;
        this.executor = executor;
        this.realmPath = "/realms/" + realm;
        this.issuer = "http://127.0.0.1:" + server.getAddress().getPort() + realmPath;
        this.keyPair = keyPair;
        this.keyId = thumbprint((RSAPublicKey) keyPair.getPublic());
    }

    /** Starts a provider for realm {@value #DEFAULT_REALM} on a free port. */
    public static OidcTestServer start() {
        return start(DEFAULT_REALM, 0);
    }

    /** Starts a provider for {@code realm} on {@code port} (0: a free one) of 127.0.0.1, with a fresh RSA-2048 key. */
    public static OidcTestServer start(String realm, int port) {
        Objects.requireNonNull(realm, "realm");
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair keyPair = generator.generateKeyPair();
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
            server.setExecutor(executor);
            OidcTestServer oidc = new OidcTestServer(server, executor, realm, keyPair);
            server.createContext("/", oidc::handle);
            server.start();
            return oidc;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not start the OIDC test server on port " + port, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK cannot generate RSA keys", e);
        }
    }

    /**
     * Registers (or replaces) a confidential client. Its tokens carry {@code claims} on top of the standard
     * ones, e.g. {@code Map.of("org_id", "acme", "roles", List.of("model-publisher"))}; a claim named like a
     * standard one ({@code aud}, {@code sub}) overrides it.
     */
    public void registerClient(String clientId, String secret, Map<String, Object> claims) {
        clients.put(Objects.requireNonNull(clientId, "clientId"),
                new RegisteredClient(Objects.requireNonNull(secret, "secret"), Map.copyOf(claims)));
    }

    /**
     * Signs a token for {@code subject} directly, without a client: for tests that need a particular claim set
     * or an expired token (a negative {@code ttl} gives an {@code exp} in the past).
     */
    public String issueToken(String subject, Map<String, Object> claims, Duration ttl) {
        Instant now = Instant.now();
        Instant expiry = now.plus(ttl);
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("iss", issuer);
        payload.put("sub", subject);
        payload.put("aud", DEFAULT_AUDIENCE);
        // An already expired token was also issued in the past, or some verifiers reject it for that first.
        payload.put("iat", Math.min(now.getEpochSecond(), expiry.getEpochSecond() - 1));
        payload.put("exp", expiry.getEpochSecond());
        payload.put("jti", UUID.randomUUID().toString());
        payload.put("typ", "Bearer");
        payload.putAll(claims);
        return sign(payload);
    }

    /** {@code http://127.0.0.1:<port>/realms/<realm>}: what goes into {@code quarkus.oidc.auth-server-url}. */
    public String issuer() {
        return issuer;
    }

    public URI discoveryUri() {
        return URI.create(issuer + DISCOVERY_PATH);
    }

    public URI jwksUri() {
        return URI.create(issuer + CERTS_PATH);
    }

    public URI tokenEndpoint() {
        return URI.create(issuer + TOKEN_PATH);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String keyId() {
        return keyId;
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String relative = path.startsWith(realmPath) ? path.substring(realmPath.length()) : null;
            String method = exchange.getRequestMethod();
            if (DISCOVERY_PATH.equals(relative)) {
                requireMethod(exchange, "GET");
                respond(exchange, 200, discovery());
            } else if (CERTS_PATH.equals(relative) || "/jwks".equals(relative)) {
                requireMethod(exchange, "GET");
                respond(exchange, 200, Map.of("keys", List.of(jwk())));
            } else if (TOKEN_PATH.equals(relative) || "/token".equals(relative)) {
                requireMethod(exchange, "POST");
                token(exchange);
            } else {
                respond(exchange, 404, error("not_found", "No such endpoint: " + method + " " + path));
            }
        } catch (WrongMethodException e) {
            respond(exchange, 405, error("invalid_request", e.getMessage()));
        } finally {
            exchange.close();
        }
    }

    private Map<String, Object> discovery() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("issuer", issuer);
        metadata.put("jwks_uri", jwksUri().toString());
        metadata.put("token_endpoint", tokenEndpoint().toString());
        metadata.put("grant_types_supported", List.of(CLIENT_CREDENTIALS));
        metadata.put("token_endpoint_auth_methods_supported", List.of("client_secret_basic", "client_secret_post"));
        metadata.put("id_token_signing_alg_values_supported", List.of("RS256"));
        metadata.put("subject_types_supported", List.of("public"));
        metadata.put("claims_supported", List.of("iss", "sub", "aud", "azp", "iat", "exp", "jti"));
        return metadata;
    }

    private Map<String, Object> jwk() {
        RSAPublicKey key = publicKey();
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("use", "sig");
        jwk.put("alg", "RS256");
        jwk.put("kid", keyId);
        jwk.put("n", base64Unsigned(key.getModulus()));
        jwk.put("e", base64Unsigned(key.getPublicExponent()));
        return jwk;
    }

    private void token(HttpExchange exchange) throws IOException {
        Map<String, String> form = parseForm(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String grantType = form.get("grant_type");
        if (!CLIENT_CREDENTIALS.equals(grantType)) {
            respond(exchange, 400, error("unsupported_grant_type",
                    "Only " + CLIENT_CREDENTIALS + " is supported, not " + grantType));
            return;
        }
        String[] credentials = clientCredentials(exchange, form);
        RegisteredClient client = credentials == null ? null : clients.get(credentials[0]);
        if (client == null || !MessageDigest.isEqual(client.secret().getBytes(StandardCharsets.UTF_8),
                credentials[1].getBytes(StandardCharsets.UTF_8))) {
            exchange.getResponseHeaders().add("WWW-Authenticate", "Basic realm=\"" + realmPath.substring("/realms/".length()) + "\"");
            respond(exchange, 401, error("invalid_client", "Invalid client or Invalid client credentials"));
            return;
        }
        String clientId = credentials[0];
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("azp", clientId);
        claims.put("client_id", clientId);
        claims.put("preferred_username", "service-account-" + clientId);
        claims.putAll(client.claims());
        String subject = String.valueOf(client.claims().getOrDefault("sub", "service-account-" + clientId));
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("access_token", issueToken(subject, claims, CLIENT_TOKEN_LIFETIME));
        response.put("expires_in", CLIENT_TOKEN_LIFETIME.toSeconds());
        response.put("token_type", "Bearer");
        exchange.getResponseHeaders().add("Cache-Control", "no-store");
        respond(exchange, 200, response);
    }

    /** HTTP Basic first (RFC 6749 2.3.1, values form-encoded inside), then client_id/client_secret in the body. */
    private static String[] clientCredentials(HttpExchange exchange, Map<String, String> form) {
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon < 0) {
                    return null;
                }
                return new String[] {URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                        URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8)};
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        String clientId = form.get("client_id");
        String secret = form.get("client_secret");
        return clientId == null || secret == null ? null : new String[] {clientId, secret};
    }

    private static Map<String, String> parseForm(String body) {
        Map<String, String> form = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            form.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return form;
    }

    private String sign(Map<String, Object> payload) {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", keyId);
        try {
            String signingInput = BASE64URL.encodeToString(json.writeValueAsBytes(header)) + "."
                    + BASE64URL.encodeToString(json.writeValueAsBytes(payload));
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign((RSAPrivateKey) keyPair.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + BASE64URL.encodeToString(signature.sign());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Claims cannot be written as JSON: " + payload, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Could not sign the token", e);
        }
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static Map<String, Object> error(String code, String description) {
        return Map.of("error", code, "error_description", description);
    }

    private static void requireMethod(HttpExchange exchange, String method) {
        if (!method.equalsIgnoreCase(exchange.getRequestMethod())) {
            throw new WrongMethodException(exchange.getRequestMethod() + " is not allowed here; use " + method);
        }
    }

    /** Big-endian magnitude without the sign byte {@link BigInteger#toByteArray()} may prepend (RFC 7518 6.3.1). */
    private static String base64Unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return BASE64URL.encodeToString(bytes);
    }

    /** The RFC 7638 JWK thumbprint: a key id that is derived from the key, as Keycloak's are unique per key. */
    private static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + base64Unsigned(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + base64Unsigned(key.getModulus()) + "\"}";
        try {
            return BASE64URL.encodeToString(MessageDigest.getInstance("SHA-256")
                    .digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("The JDK has no SHA-256", e);
        }
    }

    private record RegisteredClient(String secret, Map<String, Object> claims) {
    }

    private static final class WrongMethodException extends RuntimeException {
        WrongMethodException(String message) {
            super(message);
        }
    }
}
