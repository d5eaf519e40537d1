package dev.polity.gateway;

import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.devstack.DevstackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Break-glass grants: who may grant what for how long, that they apply and end, and that every step is audited. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class BreakGlassTest {

    private static final String ADMIN = GatewayTestResource.token("acme", "platform_admin");

    /**
     * Grants count only on a replica that has read the grant topic to its end. Readiness does not wait for that
     * (the gateway serves without Kafka, only without break-glass), it reports it as the routes check's
     * {@code break_glass_grants_read}. Right after start (the topic is created by the gateway's own writer) the
     * reader may still be in its retry back-off, so the tests wait for that flag, not for readiness alone.
     */
    @BeforeEach
    void waitUntilGrantsAreRead() {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().get("/q/health/ready").then().statusCode(200)
                        .body("checks.find { it.name == 'routes' }.data.break_glass_grants_read", equalTo(true)));
    }

    private static String user() {
        return "analyst-" + UUID.randomUUID().toString().substring(0, 8);
    }

    private static String tokenOf(String user, String organization) {
        return GatewayTestResource.token(user, organization, List.of("business_analyst"));
    }

    private static String grant(String user, String role, String duration) {
        return given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"user\": \"%s\", \"role\": \"%s\", \"reason\": \"INC-4711 on-call auditor unreachable\", \"duration\": \"%s\"}"
                        .formatted(user, role, duration))
                .post("/api/v1/break-glass/grants")
                .then().statusCode(201)
                .header("Location", containsString("/api/v1/break-glass/grants/"))
                .body("organization", equalTo("acme"))
                .body("user", equalTo(user))
                .body("role", equalTo(role))
                .body("granted_by", equalTo("acme-platform_admin"))
                .extract().path("id");
    }

    @Test
    void grantsANamedUserARoleUntilItIsRevokedAndAuditsEveryStep() {
        String user = user();
        String token = tokenOf(user, "acme");
        given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(403);

        String id = grant(user, "auditor", "PT1H");
        given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(200).body("id", hasItem(id));
        given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200)
                .body("roles", equalTo(List.of("auditor", "business_analyst")))
                .body("break_glass[0].id", equalTo(id));
        // The same name in another organisation gets nothing.
        given().auth().oauth2(tokenOf(user, "globex")).get("/api/v1/break-glass/grants").then().statusCode(403);

        given().auth().oauth2(ADMIN).delete("/api/v1/break-glass/grants/" + id).then().statusCode(204);
        given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(403);
        given().auth().oauth2(ADMIN).delete("/api/v1/break-glass/grants/" + id).then().statusCode(404);

        List<CloudEvent> events = auditEvents("break-glass/" + id);
        assertThat(events).extracting(CloudEvent::type).containsExactly("polity.breakglass.granted", "polity.breakglass.used",
                "polity.breakglass.used", "polity.breakglass.ended");
        assertThat(events).allSatisfy(event -> assertThat(event.organization()).isEqualTo("acme"));
        assertThat(events.get(0).id()).isEqualTo(id + ":granted");
        assertThat(events.get(0).actor()).isEqualTo("acme-platform_admin");
        assertThat(events.get(0).dataAsString()).contains("INC-4711").contains("\"role\":\"auditor\"");
        assertThat(events.get(1).actor()).isEqualTo(user);
        assertThat(events.get(1).dataAsString()).contains("\"path\":\"/api/v1/break-glass/grants\"");
        assertThat(events.get(3).dataAsString()).contains("\"ended_by\":\"revoked\"");
    }

    @Test
    void endsAGrantByItselfAtItsExpiry() {
        String user = user();
        String token = tokenOf(user, "acme");
        String id = grant(user, "compliance_officer", "PT2S");
        given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(200);
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(403));
        List<CloudEvent> events = auditEvents("break-glass/" + id);
        CloudEvent ended = events.get(events.size() - 1);
        assertThat(ended.type()).isEqualTo("polity.breakglass.ended");
        assertThat(ended.source()).isEqualTo("/polity/gateway/break-glass");
        assertThat(ended.id()).isEqualTo(id + ":ended");
        assertThat(ended.dataAsString()).contains("\"ended_by\":\"expired\"");
    }

    @Test
    void appliesAndEndsGrantsThatAnotherReplicaWroteToTheSharedTopic() throws Exception {
        String user = user();
        String token = tokenOf(user, "acme");
        String id = UUID.randomUUID().toString();
        String topic = ConfigProvider.getConfig().getValue("polity.break-glass.topic", String.class);
        String grant = """
                {"id": "%s", "organization": "acme", "user": "%s", "role": "auditor", "reason": "written by another replica",
                 "granted_by": "acme-other-admin", "granted_at": "%s", "expires_at": "%s"}"""
                .formatted(id, user, Instant.now(), Instant.now().plus(Duration.ofHours(1)));
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, String> otherReplica = new KafkaProducer<>(config, new StringSerializer(), new StringSerializer())) {
            otherReplica.send(new ProducerRecord<>(topic, id, grant)).get();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(200));
            otherReplica.send(new ProducerRecord<>(topic, id, null)).get();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    given().auth().oauth2(token).get("/api/v1/break-glass/grants").then().statusCode(403));
        }
    }

    @Test
    void boundsWhatAGrantMayBe() {
        String request = "{\"user\": \"%s\", \"role\": \"%s\", \"reason\": \"%s\", \"duration\": \"%s\"}";
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(request.formatted("bob", "auditor", "long enough reason", "PT4H1M"))
                .post("/api/v1/break-glass/grants").then().statusCode(400).body("errors[0].field", equalTo("duration"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(request.formatted("bob", "platform_admin", "long enough reason", "PT1H"))
                .post("/api/v1/break-glass/grants").then().statusCode(400).body("errors[0].field", equalTo("role"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON).body(request.formatted("bob", "auditor", "", "PT1H"))
                .post("/api/v1/break-glass/grants").then().statusCode(400).body("errors[0].field", equalTo("reason"));
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body(request.formatted("acme-platform_admin", "auditor", "long enough reason", "PT1H"))
                .post("/api/v1/break-glass/grants").then().statusCode(400).body("errors[0].field", equalTo("user"));
    }

    @Test
    void letsOnlyPlatformAdminsGrant() {
        given().auth().oauth2(GatewayTestResource.token("acme", "auditor")).contentType(ContentType.JSON)
                .body("{\"user\": \"bob\", \"role\": \"auditor\", \"reason\": \"long enough reason\", \"duration\": \"PT1H\"}")
                .post("/api/v1/break-glass/grants").then().statusCode(403);
        given().auth().oauth2(GatewayTestResource.token("acme", "auditor")).get("/api/v1/break-glass/grants").then().statusCode(200);
    }

    /** The audit events about {@code subject}, up to its end event. */
    private static List<CloudEvent> auditEvents(String subject) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, "break-glass-test-" + UUID.randomUUID());
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<CloudEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.AUDIT_EVENTS));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(300))) {
                    if (subject.equals(record.key())) {
                        Map<String, byte[]> headers = new HashMap<>();
                        for (Header header : record.headers()) {
                            headers.put(header.key(), header.value());
                        }
                        events.add(CloudEvent.fromKafkaHeaders(headers, record.value()));
                    }
                }
                return events.stream().anyMatch(event -> event.type().equals("polity.breakglass.ended"));
            });
        }
        return events;
    }
}
