package dev.polity.audit.export;

import dev.polity.audit.AuditApi;
import dev.polity.audit.AuditDatabase;
import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.contracts.audit.AuditExports;
import dev.polity.contracts.audit.VerificationReport;
import dev.polity.contracts.audit.VerifyAuditExport;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.polity.audit.AuditApi.asAuditor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class VerificationTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void verifiesTheLogAndAnExportOfItOffline() throws IOException {
        String earlier = AuditKafka.unique("earlier");
        long before = sendAndAwait(earlier, 1);
        AuditApi.awaitCheckpointCovering(before);
        java.time.Instant since = java.time.Instant.now();
        long last = sendAndAwait(AuditKafka.unique("verified"), 4);
        AuditApi.awaitCheckpointCovering(last);

        asAuditor().get("/api/v1/audit/verify").then().statusCode(200)
                .body("ok", equalTo(true))
                .body("problems_total", equalTo(0));

        byte[] export = asAuditor().get("/api/v1/audit/export").then().statusCode(200).extract().asByteArray();
        VerificationReport report = verifyOffline(export);
        assertThat(report.problems()).isEmpty();
        assertThat(report.ok()).isTrue();
        assertThat(report.lastSequence()).isGreaterThanOrEqualTo(last);
        assertThat(report.verifiedTreeSize()).isEqualTo(report.lastSequence());

        // A time range starts at the checkpoint before it: the verifier recomputes the roots from that tree's frontier.
        byte[] recent = asAuditor().queryParam("from", since.toString()).get("/api/v1/audit/export")
                .then().statusCode(200).extract().asByteArray();
        VerificationReport ranged = verifyOffline(recent);
        assertThat(ranged.problems()).isEmpty();
        assertThat(ranged.firstSequence()).isGreaterThan(before).isLessThanOrEqualTo(last - 3);
        assertThat(ranged.lastSequence()).isGreaterThanOrEqualTo(last);
        assertThat(ranged.verifiedTreeSize()).isEqualTo(ranged.lastSequence());
    }

    @Test
    void namesExactlyTheEntryThatWasEditedInPostgreSql() throws Exception {
        String organization = AuditKafka.unique("tamper");
        long last = sendAndAwait(organization, 5);
        long victim = last - 2;
        AuditApi.awaitCheckpointCovering(last);

        // An insider rewrites who did it, straight in the database.
        String actor = column("select actor from audit_event where sequence = ?", victim);
        update("update audit_event set actor = 'mallory' where sequence = ?", victim);
        try {
            asAuditor().get("/api/v1/audit/verify").then().statusCode(200)
                    .body("ok", equalTo(false))
                    .body("first_mismatch_sequence", equalTo((int) victim))
                    .body("problems[0].sequence", equalTo((int) victim));
            byte[] export = asAuditor().get("/api/v1/audit/export").then().statusCode(200).extract().asByteArray();
            VerificationReport offline = verifyOffline(export);
            assertThat(offline.ok()).isFalse();
            assertThat(offline.firstMismatchSequence()).isEqualTo(victim);
            assertThat(offline.problems()).extracting(VerificationReport.Problem::sequence).containsOnly(victim);

            // The command-line verifier says the same, with only the file and the public key.
            Path file = Files.createTempFile("polity-audit-export", ".json");
            Files.write(file, export);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            int status = VerifyAuditExport.run(new String[] {file.toString(), Ed25519.encodePublicKey(AuditApi.publicKey())},
                    new PrintStream(new ByteArrayOutputStream()), new PrintStream(err));
            Files.delete(file);
            assertThat(status).isEqualTo(1);
            assertThat(err.toString()).contains("first mismatching sequence " + victim);
        } finally {
            update("update audit_event set actor = '" + actor + "' where sequence = ?", victim);
        }

        // The payload itself, rewritten: the data no longer matches its hash.
        update("update audit_payload set data = convert_to('{\"tampered\":true}', 'UTF8') where payload_id = (select payload_id from audit_event where sequence = ?)", victim);
        try {
            asAuditor().get("/api/v1/audit/verify").then().statusCode(200)
                    .body("ok", equalTo(false))
                    .body("first_mismatch_sequence", equalTo((int) victim));
        } finally {
            update("update audit_payload set data = convert_to('{}', 'UTF8') where payload_id = (select payload_id from audit_event where sequence = ?)", victim);
        }
        asAuditor().get("/api/v1/audit/verify").then().statusCode(200).body("ok", equalTo(true));
    }

    @Test
    void exportsOtherOrganisationsEventsAsLeafHashesOnly() throws IOException {
        String mine = "acme";
        long last = sendAndAwait(mine, 2);
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered",
                "model/globex/" + AuditKafka.unique("m"), "globex", "bob", "{\"secret\":true}"));
        AuditApi.awaitCheckpointCovering(last + 1);

        byte[] export = AuditApi.as("acme", "auditor").get("/api/v1/audit/export").then().statusCode(200).extract().asByteArray();
        String text = new String(export, java.nio.charset.StandardCharsets.UTF_8);
        assertThat(text).doesNotContain("\"organization\":\"globex\"").contains("\"payload\":\"withheld\"");
        assertThat(verifyOffline(export).ok()).isTrue();
    }

    private long sendAndAwait(String organization, int count) {
        String subject = "model/" + organization + "/" + AuditKafka.unique("v");
        for (int i = 0; i < count; i++) {
            AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject,
                    organization, "alice", "{}"));
        }
        List<Long> sequences = await().atMost(Duration.ofSeconds(30)).until(
                () -> asAuditor().queryParam("subject", subject).get("/api/v1/audit/events").then().statusCode(200)
                        .extract().jsonPath().getList("items.sequence", Long.class),
                list -> list.size() == count);
        return sequences.getLast();
    }

    private static VerificationReport verifyOffline(byte[] export) throws IOException {
        PublicKey key = AuditApi.publicKey();
        return AuditExports.verify(new ByteArrayInputStream(export), Map.of(Ed25519.keyId(key), key));
    }

    private String column(String sql, long sequence) throws SQLException {
        try (Connection connection = AuditDatabase.connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, sequence);
            try (var rows = statement.executeQuery()) {
                rows.next();
                return rows.getString(1);
            }
        }
    }

    private void update(String sql, long sequence) throws SQLException {
        try (Connection connection = AuditDatabase.connect();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, sequence);
            assertThat(statement.executeUpdate()).isEqualTo(1);
        }
    }
}
