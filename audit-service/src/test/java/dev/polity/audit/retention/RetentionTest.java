package dev.polity.audit.retention;

import dev.polity.audit.AuditApi;
import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.InclusionProof;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.json.Json;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static dev.polity.audit.AuditApi.asAuditor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class RetentionTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    RetentionPolicy policy;

    @Inject
    RetentionJob retention;

    @Test
    void classifiesEventTypesWithTheIssuesDefaults() {
        assertThat(policy.classOf("polity.model.registered")).isEqualTo("deployment");
        assertThat(policy.classOf("polity.approval.granted")).isEqualTo("deployment");
        assertThat(policy.classOf("polity.decision.made")).isEqualTo("decision");
        assertThat(policy.classOf("polity.policy.approved")).isEqualTo("configuration");
        assertThat(policy.classOf("polity.access.requested")).isEqualTo("data-access");
        assertThat(policy.classOf("polity.bundle.rejected")).isEqualTo("error");
        assertThat(policy.classOf("polity.inference.recorded")).isEqualTo("inference");
        assertThat(policy.classOf("polity.model.usage.recorded")).isEqualTo("data-access");
        assertThat(policy.classOf("polity.breakglass.granted")).isEqualTo("deployment");
        assertThat(policy.classOf("com.example.unknown")).isEqualTo("other");
        Instant received = Instant.parse("2025-01-15T00:00:00Z");
        assertThat(policy.expiresAt("decision", received)).isEqualTo(Instant.parse("2032-01-15T00:00:00Z"));
        assertThat(policy.expiresAt("data-access", received)).isEqualTo(Instant.parse("2027-01-15T00:00:00Z"));
        assertThat(policy.expiresAt("configuration", received)).isEqualTo(Instant.parse("2030-01-15T00:00:00Z"));
        assertThat(policy.expiresAt("error", received)).isEqualTo(Instant.parse("2026-01-15T00:00:00Z"));
        assertThat(policy.expiresAt("inference", received)).isEqualTo(Instant.parse("2025-07-15T00:00:00Z"));
        assertThat(RetentionPolicy.isShorter(java.time.Period.ofDays(180), RetentionPolicy.LEGAL_FLOOR_FOR_INFERENCE)).isTrue();
        assertThat(RetentionPolicy.isShorter(java.time.Period.ofMonths(6), RetentionPolicy.LEGAL_FLOOR_FOR_INFERENCE)).isFalse();
    }

    @Test
    void dropsExpiredPayloadsByPartitionWhileProofsStillVerify() {
        String subject = "blob/" + AuditKafka.unique("ephemeral");
        CloudEvent event = AuditKafka.event("polity.test.ephemeral", subject, "acme", "alice", "{\"short\":\"lived\"}");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);
        JsonPath stored = await().atMost(Duration.ofSeconds(30)).until(
                () -> asAuditor().queryParam("subject", subject).get("/api/v1/audit/events").then().extract().jsonPath(),
                json -> json.getList("items").size() == 1).setRootPath("items[0]");
        long sequence = stored.getLong("sequence");
        assertThat(stored.getString("retention_class")).isEqualTo("ephemeral");
        assertThat(stored.getBoolean("payload_expired")).isFalse();

        // Forty days on, the one-day class's partition has wholly expired; the 6-month and longer ones have not.
        List<String> dropped = retention.purge(Instant.now().plus(40, ChronoUnit.DAYS)).await().atMost(Duration.ofSeconds(30));
        assertThat(dropped).isNotEmpty().allMatch(name -> name.startsWith("audit_payload_y"));

        asAuditor().get("/api/v1/audit/events/{sequence}", sequence).then().statusCode(200)
                .body("payload_expired", equalTo(true))
                .body("data", equalTo(null))
                .body("data_sha256", equalTo(stored.getString("data_sha256")))
                .body("leaf_hash", equalTo(stored.getString("leaf_hash")));
        asAuditor().get("/api/v1/audit/events/{sequence}/data", sequence).then().statusCode(404);

        // The leaf hash stayed, so the event is still provably in the log, and the log still verifies.
        AuditApi.awaitCheckpointCovering(sequence);
        JsonPath proof = asAuditor().get("/api/v1/audit/events/{sequence}/proof", sequence).then().statusCode(200)
                .extract().jsonPath();
        Checkpoint checkpoint = Json.mapper().convertValue(proof.getMap("checkpoint"), Checkpoint.class);
        assertThat(new InclusionProof(proof.getLong("leaf_index"), proof.getLong("tree_size"), proof.getString("leaf_hash"),
                proof.getList("audit_path", String.class)).verify(checkpoint.rootHash())).isTrue();
        asAuditor().get("/api/v1/audit/verify").then().statusCode(200).body("ok", equalTo(true));
    }

    @Test
    void acceptsInferenceRecordsWithHashesOnlyAndRefusesRawInputs() {
        String hashes = "{\"model_id\":\"fraud\",\"input_sha256\":\"" + "a".repeat(64) + "\",\"output_sha256\":\"" + "b".repeat(64)
                + "\",\"latency_ms\":12}";
        String subject = "model/acme/" + AuditKafka.unique("inference");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.inference.recorded", subject, "acme", "svc", hashes));
        CloudEvent raw = AuditKafka.event("polity.inference.recorded", subject, "acme", "svc",
                "{\"input_sha256\":\"" + "a".repeat(64) + "\",\"output_sha256\":\"" + "b".repeat(64) + "\",\"input\":\"Jane Doe, 1984-02-01\"}");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, raw);

        ConsumerRecord<String, byte[]> dead = AuditKafka.awaitRecord(bootstrapServers, Topics.AUDIT_EVENTS_DEAD_LETTER,
                record -> record.headers().lastHeader("ce_id") != null
                        && raw.id().equals(new String(record.headers().lastHeader("ce_id").value(), StandardCharsets.UTF_8)));
        assertThat(new String(dead.headers().lastHeader("dead-letter-cause").value(), StandardCharsets.UTF_8))
                .isEqualTo("raw-inference-data");
        assertThat(new String(dead.headers().lastHeader("dead-letter-reason").value(), StandardCharsets.UTF_8)).contains("'input'");

        asAuditor().queryParam("subject", subject).get("/api/v1/audit/events").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].retention_class", equalTo("inference"))
                .body("items[0].data.input_sha256", equalTo("a".repeat(64)));
    }
}
