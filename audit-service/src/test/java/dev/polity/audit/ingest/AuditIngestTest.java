package dev.polity.audit.ingest;

import dev.polity.audit.AuditKafka;
import dev.polity.contracts.Topics;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.polity.audit.AuditApi.asAuditor;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.matchesPattern;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class AuditIngestTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void storesACloudEventFromKafkaAndServesIt() {
        String subject = "model/acme/" + AuditKafka.unique("fraud");
        String json = "{\"version\":\"1.0.0\",  \"b\":1, \"a\":{\"z\":0.950,\"y\":[1,2]}}";
        CloudEvent event = AuditKafka.event(EventTypes.MODEL_REGISTERED, subject, "acme", "alice", json);
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);

        JsonPath item = awaitSingle(subject);
        assertThat(item.getLong("sequence")).isPositive();
        assertThat(item.getString("id")).isEqualTo(event.id());
        assertThat(item.getString("source")).isEqualTo(event.source());
        assertThat(item.getString("type")).isEqualTo(EventTypes.MODEL_REGISTERED);
        assertThat(item.getString("subject")).isEqualTo(subject);
        assertThat(Instant.parse(item.getString("time"))).isEqualTo(event.time());
        assertThat(item.getString("organization")).isEqualTo("acme");
        assertThat(item.getString("actor")).isEqualTo("alice");
        assertThat(item.getString("data_content_type")).isEqualTo("application/json");
        assertThat(item.getString("data.version")).isEqualTo("1.0.0");
        assertThat(item.getString("data_sha256")).isEqualTo(Hashes.sha256Hex(json.getBytes(StandardCharsets.UTF_8)));

        long sequence = item.getLong("sequence");
        String single = asAuditor().get("/api/v1/audit/events/{sequence}", sequence)
                .then().statusCode(200).body("id", equalTo(event.id())).extract().asString();
        // Parsed JSON keeps the producer's key order and decimals.
        assertThat(single).contains("\"data\":{\"version\":\"1.0.0\",\"b\":1,\"a\":{\"z\":0.950,\"y\":[1,2]}}");

        // The stored bytes are the received bytes, whitespace and all.
        byte[] raw = asAuditor().get("/api/v1/audit/events/{sequence}/data", sequence)
                .then().statusCode(200).contentType("application/json").extract().asByteArray();
        assertThat(raw).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void storesTheSameEventOnlyOnce() {
        String subject = "model/acme/" + AuditKafka.unique("dedup");
        CloudEvent event = AuditKafka.event(EventTypes.MODEL_REGISTERED, subject, "acme", null, "{\"n\":1}");
        CloudEvent marker = AuditKafka.event(EventTypes.MODEL_TRANSITIONED, subject, "acme", null, "{\"n\":2}");
        // Same key, same partition: once the marker is stored, both copies have been processed.
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, marker);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAuditor()
                .queryParam("subject", subject).get("/api/v1/audit/events")
                .then().statusCode(200).body("items.id", hasItem(marker.id())));
        List<String> ids = asAuditor().queryParam("subject", subject).get("/api/v1/audit/events")
                .then().extract().jsonPath().getList("items.id");
        assertThat(ids).containsExactly(event.id(), marker.id());
    }

    @Test
    void showsNonJsonDataAsBase64() {
        String subject = "blob/" + AuditKafka.unique("bin");
        byte[] bytes = {0, 1, 2, (byte) 0xff};
        CloudEvent event = new CloudEvent(UUID.randomUUID().toString(), "/polity/test/bin", "polity.test.binary", subject,
                Instant.now(), "application/octet-stream", Map.of(), bytes);
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);

        JsonPath item = awaitSingle(subject);
        assertThat(item.getString("data")).isEqualTo(Base64.getEncoder().encodeToString(bytes));
        assertThat(item.getString("data_sha256")).isEqualTo(Hashes.sha256Hex(bytes));
    }

    @Test
    void sendsARecordWithoutCloudEventHeadersToTheDeadLetterTopic() {
        String key = AuditKafka.unique("junk");
        byte[] value = "{\"not\":\"a cloudevent\"}".getBytes(StandardCharsets.UTF_8);
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, key, Map.of(), value);

        ConsumerRecord<String, byte[]> dead = AuditKafka.awaitRecord(bootstrapServers, Topics.AUDIT_EVENTS_DEAD_LETTER,
                record -> key.equals(record.key()));
        assertThat(dead.value()).isEqualTo(value);
        Header reason = dead.headers().lastHeader("dead-letter-reason");
        assertThat(reason).isNotNull();
        assertThat(new String(reason.value(), StandardCharsets.UTF_8)).contains("specversion");

        asAuditor().get("/q/metrics").then().statusCode(200)
                .body(matchesPattern(
                        "(?s).*polity_audit_events_rejected_total\\{[^}]*reason=\"invalid-cloudevent\"[^}]*} [1-9].*"));
        asAuditor().get("/q/health/well").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.find { it.name == 'audit-ingest' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'audit-ingest' }.data.rejected_events", greaterThanOrEqualTo(1));
        asAuditor().get("/q/health").then().statusCode(503)
                .body("checks.find { it.name == 'audit-ingest' }.status", equalTo("DOWN"));
        // Degraded, not unready: the log keeps serving queries.
        asAuditor().get("/q/health/ready").then().statusCode(200);
    }

    private static JsonPath awaitSingle(String subject) {
        return await().atMost(Duration.ofSeconds(30)).until(
                () -> asAuditor().queryParam("subject", subject).get("/api/v1/audit/events")
                        .then().statusCode(200).extract().jsonPath(),
                json -> json.getList("items").size() == 1)
                .setRootPath("items[0]");
    }
}
