package dev.polity.audit.access;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import dev.polity.devstack.TestTokens;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/**
 * Break-glass grants count here, not only in the gateway: the gateway forwards the caller's own token, and
 * this service adds the roles of the grants it reads from the grant topic. Grants are written the way the
 * gateway writes them (a {@link BreakGlassGrant} as JSON, keyed by its id; a tombstone ends it) by a plain
 * producer standing in for the gateway.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class BreakGlassGrantTest {

    /** A caller no other test of this module uses, so a grant to it changes no other test's answer. */
    private static final String ORGANIZATION = "initech";
    private static final String ROLE_OF_TOKEN = "stakeholder";
    /** compliance_officer and auditor read events; only auditor verifies. */
    private static final String EVENTS = "/api/v1/audit/events";
    private static final String VERIFY = "/api/v1/audit/verify";
    private static final Duration PROPAGATION = Duration.ofSeconds(20);

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "polity.break-glass.topic")
    String topic;

    private KafkaProducer<String, String> gateway;
    private final List<String> written = new ArrayList<>();
    private String token;
    private String user;

    @BeforeEach
    void connect() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        gateway = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
        token = TestTokens.of(ORGANIZATION, ROLE_OF_TOKEN);
        user = principalName(token);
    }

    @AfterEach
    void endEveryGrantThisTestWrote() throws Exception {
        for (String id : written) {
            gateway.send(new ProducerRecord<>(topic, id, null)).get();
        }
        gateway.close();
    }

    @Test
    void aGrantRaisesTheNamedUserInItsOrganisationUntilItsTombstone() throws Exception {
        given().auth().oauth2(token).get(EVENTS).then().statusCode(403);

        // Granted in another organisation: the same name there is someone else, so it must not count here.
        grant("globex", user, "auditor", Duration.ofMinutes(10));
        String id = grant(ORGANIZATION, user, "compliance_officer", Duration.ofMinutes(10));
        await().atMost(PROPAGATION).untilAsserted(() -> given().auth().oauth2(token).get(EVENTS).then().statusCode(200));
        // Both records were read by now (same partition, in order); only the grant of the token's organisation counts.
        given().auth().oauth2(token).get(VERIFY).then().statusCode(403);

        end(id);
        await().atMost(PROPAGATION).untilAsserted(() -> given().auth().oauth2(token).get(EVENTS).then().statusCode(403));
    }

    @Test
    void aGrantEndsAtItsExpiryWithoutATombstone() throws Exception {
        grant(ORGANIZATION, user, "auditor", Duration.ofSeconds(6));
        await().atMost(PROPAGATION).untilAsserted(() -> given().auth().oauth2(token).get(VERIFY).then().statusCode(200));
        // Nobody writes the end: the service stops counting the grant at its expiry by itself.
        await().atMost(PROPAGATION).untilAsserted(() -> given().auth().oauth2(token).get(VERIFY).then().statusCode(403));
    }

    private String grant(String organization, String grantee, String role, Duration duration) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BreakGlassGrant grant = new BreakGlassGrant(UUID.randomUUID().toString(), organization, grantee, role,
                "INC-4711: on-call auditor unreachable", organization + "-platform_admin", now, now.plus(duration));
        written.add(grant.id());
        gateway.send(new ProducerRecord<>(topic, grant.id(), grant.toJson())).get();
        return grant.id();
    }

    private void end(String id) throws Exception {
        gateway.send(new ProducerRecord<>(topic, id, null)).get();
    }

    /**
     * The name quarkus-oidc gives the token's caller (upn, else preferred_username, else sub), which is how
     * grants name users. Read from the token rather than assumed, so the test follows the OIDC server.
     */
    private static String principalName(String token) {
        try {
            var claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
            for (String claim : List.of("upn", "preferred_username", "sub")) {
                if (claims.hasNonNull(claim)) {
                    return claims.get(claim).asText();
                }
            }
            throw new IllegalStateException("the token names nobody: " + new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                    StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
