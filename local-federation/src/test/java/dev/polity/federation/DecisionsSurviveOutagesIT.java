package dev.polity.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.json.Json;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.kafka.KafkaBroker;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.postgres.PostgresServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Decisions are never lost: a policy node keeps deciding while the Kafka broker is down (its
 * events go to the node's durable spool), is SIGKILLed with events still in the spool, and comes
 * back; once the broker is back every decision a client received is in the audit log exactly
 * once. Real broker, real PostgreSQL, the packaged policy-service and audit-service as processes.
 */
class DecisionsSurviveOutagesIT {

    private static final String ORG = "acme";
    private final List<AutoCloseable> started = new ArrayList<>();

    @AfterEach
    void stopEverything() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception ignored) {
                // best effort: the next resource still gets closed
            }
        }
    }

    private <T extends AutoCloseable> T track(T closeable) {
        started.add(closeable);
        return closeable;
    }

    @Test
    void everyDecisionAClientReceivedIsAuditedExactlyOnceAcrossBrokerOutageAndNodeCrash() throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", "..")).toAbsolutePath().normalize();
        Path work = Files.createTempDirectory("polity-outage",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        KafkaBroker broker = track(KafkaBroker.start(work.resolve("kafka"), Topics.ALL));
        PostgresServer postgres = track(PostgresServer.start(work.resolve("postgres")));
        PostgresEndpoint database = postgres.endpoint();
        database.createDatabase("audit");
        OidcTestServer oidc = track(OidcTestServer.start());
        oidc.registerClient("pipeline", "pipeline-secret", Map.of("org_id", ORG, "roles", List.of("ml_engineer")));
        oidc.registerClient("auditor", "auditor-secret", Map.of("org_id", ORG, "roles", List.of("auditor", "compliance_officer")));

        KeyPair keys = Ed25519.generateKeyPair();
        SignedBundle bundle = Bundles.sign(ORG, 1, Instant.now(), List.of(PolicyDocuments.parse("""
                id: pii-anonymization
                scope: { level: global }
                type: data_privacy
                enforcement: blocking
                rules:
                  - name: pii-anonymized
                    expression: '!request.model.training_data.contains_pii'
                    message: PII detected without anonymization
                """)), keys.getPrivate(), keys.getPublic());
        publishBundle(broker.bootstrapServers(), bundle);

        int auditPort = FreePorts.pick();
        Map<String, String> auditConfig = new HashMap<>();
        auditConfig.put("kafka.bootstrap.servers", broker.bootstrapServers());
        auditConfig.put("quarkus.datasource.reactive.url", database.reactiveUrl("audit"));
        auditConfig.put("quarkus.datasource.jdbc.url", database.jdbcUrl("audit"));
        auditConfig.put("quarkus.datasource.username", database.username());
        auditConfig.put("quarkus.datasource.password", database.password());
        auditConfig.put("quarkus.oidc.auth-server-url", oidc.issuer());
        KeyPair checkpointKeys = Ed25519.generateKeyPair();
        auditConfig.put("polity.audit.checkpoint.signing-private-key", Ed25519.encodePrivateKey(checkpointKeys.getPrivate()));
        auditConfig.put("polity.audit.checkpoint.signing-public-key", Ed25519.encodePublicKey(checkpointKeys.getPublic()));
        auditConfig.put("quarkus.http.port", String.valueOf(auditPort));
        Path auditJar = root.resolve("audit-service/target/quarkus-app/quarkus-run.jar");
        track(ServiceProcess.start("audit-service", auditJar, auditConfig, work.resolve("logs/audit.log"),
                URI.create("http://127.0.0.1:" + auditPort + "/q/health/ready"), Duration.ofSeconds(120)));

        int nodePort = FreePorts.pick();
        Map<String, String> nodeConfig = new HashMap<>();
        nodeConfig.put("kafka.bootstrap.servers", broker.bootstrapServers());
        nodeConfig.put("polity.node.organization-id", ORG);
        nodeConfig.put("polity.node.trusted-public-keys", Ed25519.encodePublicKey(keys.getPublic()));
        nodeConfig.put("polity.node.state-directory", work.resolve("node-state").toString());
        nodeConfig.put("quarkus.oidc.auth-server-url", oidc.issuer());
        nodeConfig.put("quarkus.http.port", String.valueOf(nodePort));
        Path nodeJar = root.resolve("policy-service/target/quarkus-app/quarkus-run.jar");
        URI nodeReady = URI.create("http://127.0.0.1:" + nodePort + "/q/health/ready");
        ServiceProcess node = track(ServiceProcess.start("policy-node", nodeJar, nodeConfig, work.resolve("logs/node-1.log"),
                nodeReady, Duration.ofSeconds(120)));

        String token = Http.clientCredentialsToken(oidc.tokenEndpoint().toString(), "pipeline", "pipeline-secret");
        String decisions = "http://127.0.0.1:" + nodePort + "/api/v1/decisions";
        String model = "churn-" + System.nanoTime();
        Set<String> received = new LinkedHashSet<>();

        // 1. Kafka up: decisions are acknowledged by Kafka before they are returned.
        received.addAll(decide(decisions, token, model, 10));

        // 2. Kafka down: the node keeps deciding; events go to its durable spool.
        broker.close();
        started.remove(broker);
        received.addAll(decide(decisions, token, model, 15));
        JsonNode status = Json.mapper().readTree(Http.send("GET", "http://127.0.0.1:" + nodePort + "/api/v1/node/status",
                null, null, token).body());
        assertThat(status.get("spooled_decisions").asInt()).as("events waiting in the spool").isGreaterThan(0);

        // 3. The node is SIGKILLed with events still in the spool, and restarted (Kafka still down:
        //    it starts from its last good bundle on disk).
        node.kill();
        started.remove(node);
        node = track(ServiceProcess.start("policy-node", nodeJar, nodeConfig, work.resolve("logs/node-2.log"),
                nodeReady, Duration.ofSeconds(120)));
        received.addAll(decide(decisions, token, model, 5));

        // 4. Kafka comes back: the spool drains, the audit service catches up.
        broker = track(KafkaBroker.start(work.resolve("kafka"), Topics.ALL));
        received.addAll(decide(decisions, token, model, 5));
        assertThat(received).hasSize(35);

        String auditorToken = Http.clientCredentialsToken(oidc.tokenEndpoint().toString(), "auditor", "auditor-secret");
        String query = "http://127.0.0.1:" + auditPort + "/api/v1/audit/events?type=polity.decision.made&limit=500&subject=model/" + ORG + "/" + model;
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            HttpResponse<String> audit = Http.send("GET", query, null, null, auditorToken);
            assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
            List<String> ids = new ArrayList<>();
            Json.mapper().readTree(audit.body()).get("items").forEach(item -> ids.add(item.get("id").asText()));
            assertThat(ids).as("audited decision ids").doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(received);
        });
    }

    /** Sends decisions one after another; returns the ids of those the client received. */
    private static List<String> decide(String url, String token, String model, int count) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> response = Http.send("POST", url, "application/json", """
                    {"model_id": "%s/%s", "organization_id": "%s",
                     "model_metadata": {"version": "1.0.%d", "training_data": {"contains_pii": %s}}}
                    """.formatted(ORG, model, ORG, i, i % 2 == 0), token);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.add(Json.mapper().readTree(response.body()).get("decision_id").asText());
        }
        return ids;
    }

    private static void publishBundle(String bootstrapServers, SignedBundle bundle) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("acks", "all");
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, byte[]>(props,
                new org.apache.kafka.common.serialization.StringSerializer(),
                new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.POLICY_BUNDLES, ORG,
                    Bundles.toJson(bundle).getBytes(java.nio.charset.StandardCharsets.UTF_8))).get();
        }
    }
}
