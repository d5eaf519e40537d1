package dev.polity.audit.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.audit.AuditApi;
import dev.polity.audit.AuditDatabase;
import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.contracts.audit.AuditEntries;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.InclusionProof;
import dev.polity.contracts.audit.Merkle;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.json.Json;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static dev.polity.audit.AuditApi.asAuditor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class MerkleLogTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @ConfigProperty(name = "polity.audit.log-id")
    String logId;

    @Test
    void provesAnEventIsInTheTreeOfASignedCheckpoint() {
        String subject = "model/acme/" + AuditKafka.unique("proof");
        CloudEvent event = AuditKafka.event("polity.model.registered", subject, "acme", "alice", "{\"v\":\"1.0.0\"}");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, event);
        long sequence = awaitSequence(subject);
        AuditApi.awaitCheckpointCovering(sequence);

        JsonPath proof = asAuditor().get("/api/v1/audit/events/{sequence}/proof", sequence)
                .then().statusCode(200).extract().jsonPath();
        Checkpoint checkpoint = checkpoint(proof.getMap("checkpoint"));
        assertThat(checkpoint.verify(AuditApi.publicKey())).isTrue();
        assertThat(checkpoint.origin()).isEqualTo(logId);
        assertThat(proof.getLong("leaf_index")).isEqualTo(sequence - 1);
        InclusionProof inclusion = new InclusionProof(proof.getLong("leaf_index"), proof.getLong("tree_size"),
                proof.getString("leaf_hash"), proof.getList("audit_path", String.class));
        assertThat(inclusion.verify(checkpoint.rootHash())).isTrue();

        // The leaf commits to exactly what the producer sent: its headers in order and the SHA-256 of its data.
        List<AuditEntries.Header> headers = new ArrayList<>();
        event.toKafkaHeaders().forEach((name, value) -> headers.add(new AuditEntries.Header(name, new String(value, StandardCharsets.UTF_8))));
        assertThat(proof.getString("leaf_hash"))
                .isEqualTo(AuditEntries.hex(AuditEntries.leafHash(headers, Hashes.sha256Hex(event.data()))));

        // A proof for a changed leaf does not lead to the signed root.
        InclusionProof forged = new InclusionProof(inclusion.leafIndex(), inclusion.treeSize(),
                AuditEntries.hex(Merkle.leafHash("forged".getBytes(StandardCharsets.UTF_8))), inclusion.auditPath());
        assertThat(forged.verify(checkpoint.rootHash())).isFalse();
    }

    @Test
    void provesEveryLaterCheckpointConsistentWithAnEarlierOne() {
        String subject = "model/acme/" + AuditKafka.unique("grow");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject, "acme", null, "{}"));
        long firstSize = AuditApi.awaitCheckpointCovering(awaitSequence(subject));
        String later = "model/acme/" + AuditKafka.unique("grow");
        for (int i = 0; i < 3; i++) {
            AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.transitioned", later, "acme", null, "{}"));
        }
        long secondSize = AuditApi.awaitCheckpointCovering(awaitSequence(later, 3));

        JsonPath consistency = asAuditor().queryParam("first", firstSize).queryParam("second", secondSize)
                .get("/api/v1/audit/checkpoints/consistency").then().statusCode(200).extract().jsonPath();
        Checkpoint first = checkpoint(consistency.getMap("first_checkpoint"));
        Checkpoint second = checkpoint(consistency.getMap("second_checkpoint"));
        assertThat(first.verify(AuditApi.publicKey())).isTrue();
        assertThat(second.verify(AuditApi.publicKey())).isTrue();
        List<byte[]> proof = consistency.getList("proof", String.class).stream().map(AuditEntries::unhex).toList();
        assertThat(Merkle.verifyConsistency(firstSize, secondSize, first.rootHashBytes(), second.rootHashBytes(), proof)).isTrue();
        assertThat(Merkle.verifyConsistency(firstSize, secondSize, second.rootHashBytes(), second.rootHashBytes(), proof)).isFalse();

        // Every listed checkpoint is signed, and they only grow.
        List<Checkpoint> all = new ArrayList<>();
        Long after = null;
        do {
            var request = asAuditor().queryParam("limit", 500);
            if (after != null) {
                request.queryParam("after", after);
            }
            JsonPath page = request.get("/api/v1/audit/checkpoints").then().statusCode(200).extract().jsonPath();
            page.getList("items", java.util.Map.class).forEach(item -> all.add(checkpoint(item)));
            after = page.getObject("next_after", Long.class);
        } while (after != null);
        assertThat(all).extracting(Checkpoint::treeSize).isSorted().doesNotHaveDuplicates().contains(firstSize, secondSize);
        assertThat(all).allSatisfy(c -> assertThat(c.verify(AuditApi.publicKey())).isTrue());
    }

    @Test
    void publishesSignedCheckpointsOnTheCompactedTopicKeyedByLogId() {
        String subject = "model/acme/" + AuditKafka.unique("topic");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject, "acme", null, "{}"));
        long size = AuditApi.awaitCheckpointCovering(awaitSequence(subject));

        ConsumerRecord<String, byte[]> record = AuditKafka.awaitRecord(bootstrapServers, Topics.AUDIT_CHECKPOINTS,
                r -> logId.equals(r.key()) && read(r.value()).treeSize() >= size);
        Checkpoint published = read(record.value());
        assertThat(published.verify(AuditApi.publicKey())).isTrue();
        assertThat(published.algorithm()).isEqualTo("Ed25519");
    }

    @Test
    void attachesInclusionProofsToQueryResultsWhenAsked() {
        String organization = AuditKafka.unique("proofs");
        String subject = "model/" + organization + "/m";
        for (int i = 0; i < 3; i++) {
            AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject, organization, null, "{}"));
        }
        AuditApi.awaitCheckpointCovering(awaitSequence(subject, 3));

        JsonPath page = asAuditor().queryParam("organization", organization).queryParam("proof", true)
                .get("/api/v1/audit/events").then().statusCode(200).body("items", hasSize(3)).extract().jsonPath();
        Checkpoint checkpoint = checkpoint(page.getMap("checkpoint"));
        assertThat(checkpoint.verify(AuditApi.publicKey())).isTrue();
        for (int i = 0; i < 3; i++) {
            JsonPath item = page.setRootPath("items[" + i + "]");
            InclusionProof proof = new InclusionProof(item.getLong("inclusion_proof.leaf_index"), item.getLong("inclusion_proof.tree_size"),
                    item.getString("inclusion_proof.leaf_hash"), item.getList("inclusion_proof.audit_path", String.class));
            assertThat(proof.leafHash()).isEqualTo(item.getString("leaf_hash"));
            assertThat(proof.verify(checkpoint.rootHash())).isTrue();
            page.setRootPath("");
        }
    }

    @Test
    void answersNotFoundForAProofAgainstAnUnknownTreeSize() {
        String subject = "model/acme/" + AuditKafka.unique("nosize");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject, "acme", null, "{}"));
        long sequence = awaitSequence(subject);
        asAuditor().queryParam("tree_size", Long.MAX_VALUE).get("/api/v1/audit/events/{sequence}/proof", sequence)
                .then().statusCode(404);
        asAuditor().queryParam("first", 5).queryParam("second", 2).get("/api/v1/audit/checkpoints/consistency")
                .then().statusCode(400);
    }

    @Test
    void refusesToSignACheckpointThatContradictsTheStoredTree() throws Exception {
        String subject = "model/acme/" + AuditKafka.unique("fork");
        for (int i = 0; i < 16; i++) {
            AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject, "acme", null, "{}"));
        }
        long signed = AuditApi.awaitCheckpointCovering(awaitSequence(subject, 16));
        byte[] original;
        try (Connection db = AuditDatabase.connect()) {
            original = nodeHash(db);
            // An insider rewrites history below an existing checkpoint.
            setNodeHash(db, Merkle.leafHash("forged history".getBytes(StandardCharsets.UTF_8)));
            try {
                String later = "model/acme/" + AuditKafka.unique("after-fork");
                AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", later, "acme", null, "{}"));
                long sequence = awaitSequence(later);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> io.restassured.RestAssured.given().get("/q/health/well")
                        .then().body("checks.find { it.name == 'audit-checkpoints' }.status", org.hamcrest.Matchers.equalTo("DOWN")));
                Thread.sleep(1500);
                long latest = asAuditor().get("/api/v1/audit/checkpoints/latest").then().statusCode(200).extract().jsonPath().getLong("tree_size");
                assertThat(latest).as("no checkpoint is signed over the rewritten tree").isLessThan(sequence);
                io.restassured.RestAssured.given().get("/q/metrics").then()
                        .body(org.hamcrest.Matchers.matchesPattern("(?s).*polity_audit_checkpoints_refused_total(\\{[^}]*})? [1-9].*"));
            } finally {
                setNodeHash(db, original);
            }
        }
        // The tree restored, signing resumes and the refusal clears.
        String resumed = "model/acme/" + AuditKafka.unique("resumed");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", resumed, "acme", null, "{}"));
        assertThat(AuditApi.awaitCheckpointCovering(awaitSequence(resumed))).isGreaterThan(signed);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> io.restassured.RestAssured.given().get("/q/health/well")
                .then().body("checks.find { it.name == 'audit-checkpoints' }.status", org.hamcrest.Matchers.equalTo("UP")));
    }

    private static byte[] nodeHash(Connection db) throws Exception {
        try (PreparedStatement select = db.prepareStatement("select hash from audit_merkle_node where level = 4 and idx = 0");
             var rows = select.executeQuery()) {
            assertThat(rows.next()).isTrue();
            return rows.getBytes(1);
        }
    }

    private static void setNodeHash(Connection db, byte[] hash) throws Exception {
        try (PreparedStatement update = db.prepareStatement("update audit_merkle_node set hash = ? where level = 4 and idx = 0")) {
            update.setBytes(1, hash);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
    }

    static long awaitSequence(String subject) {
        return awaitSequence(subject, 1);
    }

    /** The sequence of the last of {@code count} events of a subject, once all are in the log. */
    static long awaitSequence(String subject, int count) {
        List<Long> sequences = await().atMost(Duration.ofSeconds(30)).until(
                () -> asAuditor().queryParam("subject", subject).get("/api/v1/audit/events")
                        .then().statusCode(200).extract().jsonPath().getList("items.sequence", Long.class),
                list -> list.size() == count);
        return sequences.getLast();
    }

    static Checkpoint checkpoint(Object json) {
        return Json.mapper().convertValue(json, Checkpoint.class);
    }

    private static Checkpoint read(byte[] value) {
        try {
            JsonNode node = Json.mapper().readTree(value);
            return Json.mapper().treeToValue(node, Checkpoint.class);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
