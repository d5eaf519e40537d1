package dev.polity.audit;

import dev.polity.contracts.Topics;
import dev.polity.contracts.audit.AuditExports;
import dev.polity.contracts.audit.VerificationReport;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.json.Json;
import dev.polity.devstack.Devstack;
import dev.polity.devstack.DevstackOptions;
import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged audit service, SIGKILLed in the middle of a stream of events and started again: the log ends up
 * with every event exactly once, numbered 1..n without a gap, and verifies against its signed checkpoints.
 * Runs after {@code package} (failsafe), against its own Kafka broker and PostgreSQL.
 */
class AuditCrashIT {

    private static final int EVENTS = 4000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);

    @Test
    void loosesNothingAndDuplicatesNothingWhenKilledMidStream() throws Exception {
        Path jar = Path.of(System.getProperty("polity.audit.quarkus-run-jar", "target/quarkus-app/quarkus-run.jar"));
        Path logs = Path.of("target", "crash-it");
        KeyPair keys = Ed25519.generateKeyPair();
        try (Devstack devstack = Devstack.start(DevstackOptions.defaults()); OidcTestServer oidc = OidcTestServer.start()) {
            devstack.createDatabase("audit_crash");
            PostgresEndpoint postgres = devstack.postgres();
            int port = FreePorts.pick();
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.http.port", String.valueOf(port));
            config.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("audit_crash"));
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("audit_crash"));
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
            config.put("quarkus.oidc.auth-server-url", oidc.issuer());
            config.put("polity.audit.checkpoint.signing-private-key", Ed25519.encodePrivateKey(keys.getPrivate()));
            config.put("polity.audit.checkpoint.signing-public-key", Ed25519.encodePublicKey(keys.getPublic()));
            config.put("polity.audit.checkpoint.interval", "1s");
            // Small polls: many transactions, so the kill lands between and inside them.
            config.put("mp.messaging.incoming.audit-events-in.max.poll.records", "50");
            URI ready = URI.create("http://127.0.0.1:" + port + "/q/health/ready");

            ServiceProcess first = ServiceProcess.start("audit-service", jar, config, logs.resolve("audit-before-kill.log"), ready, START_TIMEOUT);
            List<CloudEvent> sent = new ArrayList<>();
            for (int i = 0; i < EVENTS; i++) {
                sent.add(AuditKafka.event("polity.model.registered", "model/acme/m" + (i % 17), "acme", "pipeline",
                        "{\"n\":" + i + "}"));
            }
            CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> produce(devstack.kafkaBootstrapServers(), sent));

            long atKill;
            try (Connection db = postgres.connect("audit_crash")) {
                atKill = await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20))
                        .until(() -> count(db, "select size from audit_log_head"), size -> size >= EVENTS / 4);
            }
            first.kill();
            assertThat(first.isAlive()).isFalse();
            assertThat(atKill).isLessThan(EVENTS);
            producing.get();
            // Some events again, as a producer retrying after a timeout would.
            produce(devstack.kafkaBootstrapServers(), sent.subList(0, 200));

            ServiceProcess second = ServiceProcess.start("audit-service", jar, config, logs.resolve("audit-after-kill.log"), ready, START_TIMEOUT);
            try (Connection db = postgres.connect("audit_crash")) {
                await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200))
                        .until(() -> count(db, "select size from audit_log_head"), size -> size >= EVENTS);
                // Let the consumer drain the re-sent duplicates too, then check the log.
                Thread.sleep(2000);
                assertThat(count(db, "select size from audit_log_head")).isEqualTo(EVENTS);
                assertThat(count(db, "select count(*) from audit_event")).isEqualTo(EVENTS);
                assertThat(count(db, "select count(distinct (d.source, d.event_id)) from audit_event e join audit_event_detail d on d.payload_id = e.payload_id")).isEqualTo(EVENTS);
                assertThat(count(db, "select min(sequence) from audit_event")).isEqualTo(1);
                assertThat(count(db, "select max(sequence) from audit_event")).isEqualTo(EVENTS);
                assertThat(count(db, "select count(*) from audit_payload")).isEqualTo(EVENTS);
                await().atMost(Duration.ofSeconds(60))
                        .until(() -> count(db, "select coalesce(max(tree_size), 0) from audit_checkpoint"), size -> size == EVENTS);
            }

            String token = oidc.issueToken("crash-it-auditor", Map.of("org_id", "acme", "roles", List.of("auditor")), Duration.ofMinutes(5));
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> verify = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/audit/verify"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(verify.statusCode()).isEqualTo(200);
            VerificationReport report = Json.mapper().readValue(verify.body(), VerificationReport.class);
            assertThat(report.problems()).isEmpty();
            assertThat(report.ok()).isTrue();
            assertThat(report.entriesChecked()).isEqualTo(EVENTS);
            assertThat(report.verifiedTreeSize()).isEqualTo(EVENTS);

            HttpResponse<byte[]> export = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/audit/export"))
                    .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(export.statusCode()).isEqualTo(200);
            VerificationReport offline = AuditExports.verify(new ByteArrayInputStream(export.body()),
                    Map.of(Ed25519.keyId(keys.getPublic()), keys.getPublic()));
            assertThat(offline.ok()).isTrue();
            assertThat(offline.lastSequence()).isEqualTo(EVENTS);
            second.stop();
        }
    }

    private static void produce(String bootstrapServers, List<CloudEvent> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (int i = 0; i < events.size(); i++) {
                CloudEvent event = events.get(i);
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.AUDIT_EVENTS, event.subject(), event.data());
                event.toKafkaHeaders().forEach((name, value) -> record.headers().add(name, value));
                producer.send(record);
                if (i % 100 == 99) {
                    producer.flush();
                    sleep(20); // a stream, not a burst
                }
            }
            producer.flush();
        }
    }

    private static long count(Connection db, String sql) throws SQLException {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
