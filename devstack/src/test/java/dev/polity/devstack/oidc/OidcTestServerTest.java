package dev.polity.devstack.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Verifies tokens the way a relying party does: only from what the server publishes. */
class OidcTestServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Decoder BASE64URL = Base64.getUrlDecoder();

    private static OidcTestServer oidc;
    private static HttpClient http;

    @BeforeAll
    static void start() {
        oidc = OidcTestServer.start();
        oidc.registerClient("pipeline-acme", "s3cret", Map.of("org_id", "acme", "roles", List.of("model-publisher", "auditor")));
        http = HttpClient.newHttpClient();
    }

    @AfterAll
    static void stop() {
        http.close();
        oidc.close();
    }

    @Test
    void publishesDiscoveryMetadataAtTheKeycloakPath() throws Exception {
        assertThat(oidc.issuer()).isEqualTo("http://127.0.0.1:" + oidc.port() + "/realms/polity");

        JsonNode discovery = getJson(URI.create(oidc.issuer() + "/.well-known/openid-configuration"));

        assertThat(discovery.get("issuer").asText()).isEqualTo(oidc.issuer());
        assertThat(discovery.get("jwks_uri").asText()).isEqualTo(oidc.issuer() + "/protocol/openid-connect/certs");
        assertThat(discovery.get("token_endpoint").asText()).isEqualTo(oidc.issuer() + "/protocol/openid-connect/token");
        assertThat(discovery.get("id_token_signing_alg_values_supported").get(0).asText()).isEqualTo("RS256");
        assertThat(discovery.get("grant_types_supported").get(0).asText()).isEqualTo("client_credentials");
    }

    @Test
    void issuesAClientCredentialsTokenThatVerifiesAgainstThePublishedKey() throws Exception {
        HttpResponse<String> response = postToken("grant_type=client_credentials", "pipeline-acme", "s3cret");

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("expires_in").asLong()).isEqualTo(300);
        String token = body.get("access_token").asText();

        String[] parts = token.split("\\.");
        JsonNode header = JSON.readTree(BASE64URL.decode(parts[0]));
        assertThat(header.get("alg").asText()).isEqualTo("RS256");
        assertThat(header.get("kid").asText()).isEqualTo(oidc.keyId());
        assertThat(verifiesWithPublishedKey(token, header.get("kid").asText())).isTrue();

        JsonNode claims = JSON.readTree(BASE64URL.decode(parts[1]));
        long now = Instant.now().getEpochSecond();
        assertThat(claims.get("iss").asText()).isEqualTo(oidc.issuer());
        assertThat(claims.get("sub").asText()).isEqualTo("service-account-pipeline-acme");
        assertThat(claims.get("azp").asText()).isEqualTo("pipeline-acme");
        assertThat(claims.get("aud").asText()).isEqualTo("account");
        assertThat(claims.get("org_id").asText()).isEqualTo("acme");
        assertThat(claims.get("roles").isArray()).isTrue();
        assertThat(claims.get("roles")).extracting(JsonNode::asText).containsExactly("model-publisher", "auditor");
        assertThat(claims.get("iat").asLong()).isBetween(now - 5, now + 1);
        assertThat(claims.get("exp").asLong()).isEqualTo(claims.get("iat").asLong() + 300);
        assertThat(claims.get("jti").asText()).isNotBlank();
    }

    @Test
    void acceptsClientCredentialsInTheFormBody() throws Exception {
        HttpResponse<String> response = postToken(
                "grant_type=client_credentials&client_id=pipeline-acme&client_secret=s3cret", null, null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(response.body()).get("access_token").asText()).contains(".");
    }

    @Test
    void rejectsAWrongSecretWith401() throws Exception {
        HttpResponse<String> response = postToken("grant_type=client_credentials", "pipeline-acme", "guess");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("invalid_client");
    }

    @Test
    void rejectsAnUnknownClientWith401() throws Exception {
        assertThat(postToken("grant_type=client_credentials", "nobody", "s3cret").statusCode()).isEqualTo(401);
    }

    @Test
    void rejectsOtherGrantTypesWith400() throws Exception {
        HttpResponse<String> response = postToken("grant_type=password&username=a&password=b", "pipeline-acme", "s3cret");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(response.body()).get("error").asText()).isEqualTo("unsupported_grant_type");
    }

    @Test
    void issuesExpiredTokensForTests() throws Exception {
        String token = oidc.issueToken("alice", Map.of("org_id", "acme"), Duration.ofMinutes(-5));

        JsonNode claims = JSON.readTree(BASE64URL.decode(token.split("\\.")[1]));
        assertThat(claims.get("exp").asLong()).isLessThan(Instant.now().getEpochSecond());
        assertThat(claims.get("iat").asLong()).isLessThan(claims.get("exp").asLong());
        assertThat(claims.get("sub").asText()).isEqualTo("alice");
        assertThat(verifiesWithPublishedKey(token, oidc.keyId())).isTrue();
    }

    @Test
    void aTamperedTokenDoesNotVerify() throws Exception {
        String token = oidc.issueToken("alice", Map.of("roles", List.of("viewer")), Duration.ofMinutes(5));
        String[] parts = token.split("\\.");
        String forgedClaims = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"sub\":\"alice\",\"roles\":[\"admin\"]}".getBytes(StandardCharsets.UTF_8));

        assertThat(verifiesWithPublishedKey(parts[0] + "." + forgedClaims + "." + parts[2], oidc.keyId())).isFalse();
    }

    @Test
    void answersUnknownPathsWith404() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(oidc.issuer() + "/nothing")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(404);
    }

    /** Rebuilds the RSA key from the JWK's n and e, as quarkus-oidc (via jose4j) does. */
    private static boolean verifiesWithPublishedKey(String token, String kid) throws Exception {
        JsonNode keys = getJson(oidc.jwksUri()).get("keys");
        JsonNode jwk = null;
        for (JsonNode key : keys) {
            if (key.get("kid").asText().equals(kid)) {
                jwk = key;
            }
        }
        assertThat(jwk).as("JWK with kid %s", kid).isNotNull();
        assertThat(jwk.get("kty").asText()).isEqualTo("RSA");
        PublicKey publicKey = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
                new BigInteger(1, BASE64URL.decode(jwk.get("n").asText())),
                new BigInteger(1, BASE64URL.decode(jwk.get("e").asText()))));
        int lastDot = token.lastIndexOf('.');
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(publicKey);
        verifier.update(token.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        return verifier.verify(BASE64URL.decode(token.substring(lastDot + 1)));
    }

    private static JsonNode getJson(URI uri) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s", uri).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> postToken(String form, String clientId, String secret) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(oidc.tokenEndpoint())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (clientId != null) {
            request.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
