package dev.polity.sync.status;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;

import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class FederationStatusTest {

    private static void report(String nodeId, String org, Long revision, String digest, Instant activatedAt,
                               String lastError, Instant reportedAt) throws Exception {
        String json = """
                {"node_id": "%s", "organization_id": "%s", "region": "eu", "active_revision": %s, "active_digest": %s,
                 "activated_at": %s, "last_error": %s, "last_error_at": %s, "reported_at": "%s",
                 "decisions_total": {"approved": 3, "denied": 1}}
                """.formatted(nodeId, org, revision, quoted(digest), quoted(activatedAt), quoted(lastError),
                lastError == null ? "null" : quoted(reportedAt), reportedAt);
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.POLICY_STATUS, nodeId, json)).get();
        }
    }

    private static String quoted(Object value) {
        return value == null ? "null" : "\"" + value + "\"";
    }

    private static Map<String, Object> node(JsonPath status, String nodeId) {
        return status.getMap("organizations[0].nodes.find { it.node_id == '" + nodeId + "' }");
    }

    @Test
    void showsExpectedAndActiveRevisionsLagSilenceAndPropagationLatency() throws Exception {
        String org = unique("watched");
        createOrganization(org, "eu");
        // Wait until nothing is queued for the organisation, so its latest revision stays the expected one.
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            JsonPath json = reader().when().get("/api/v1/federation/status?organization_id=" + org).jsonPath();
            return json.get("organizations[0].expected_revision") != null && json.get("organizations[0].publication") == null;
        });
        SignedBundle bundle = Bundles.fromJson(reader().when().get("/api/v1/bundles/" + org).asByteArray());
        long revision = bundle.manifest().revision();
        String digest = bundle.manifest().digest();
        Instant published = Instant.parse(bundle.manifest().createdAt());

        String inSync = unique("node-a");
        String lagging = unique("node-b");
        String silent = unique("node-c");
        report(inSync, org, revision, digest, published.plusMillis(250), null, Instant.now());
        report(lagging, org, null, null, null, "signature does not verify", Instant.now());
        report(silent, org, revision, digest, published.plusMillis(400), null, Instant.now().minus(Duration.ofHours(1)));

        JsonPath status = await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(
                () -> reader().when().get("/api/v1/federation/status?organization_id=" + org).jsonPath(),
                json -> json.getList("organizations[0].nodes").size() == 3);

        assertThat(status.getLong("organizations[0].expected_revision")).isEqualTo(revision);
        Map<String, Object> a = node(status, inSync);
        assertThat(a.get("in_sync")).isEqualTo(true);
        assertThat(((Number) a.get("lag")).longValue()).isZero();
        assertThat(((Number) a.get("propagation_latency_ms")).longValue()).isEqualTo(250);
        assertThat(a.get("silent")).isEqualTo(false);
        Map<String, Object> b = node(status, lagging);
        assertThat(b.get("in_sync")).isEqualTo(false);
        assertThat(b.get("last_error")).isEqualTo("signature does not verify");
        assertThat(b.get("last_report")).isNotNull();
        Map<String, Object> c = node(status, silent);
        assertThat(c.get("silent")).isEqualTo(true);

        reader().when().get("/api/v1/federation/status").then().statusCode(200);
        String metrics = io.restassured.RestAssured.given().when().get("/q/metrics").asString();
        assertThat(metrics).contains("polity_bundle_propagation_seconds");
    }

    @Test
    void countsAndSkipsAReportItCannotRead() throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.POLICY_STATUS, unique("garbled"), "{not json")).get();
        }
        String org = unique("after-garbage");
        createOrganization(org, "eu");
        String node = unique("node");
        report(node, org, 1L, null, null, null, Instant.now());
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(
                () -> reader().when().get("/api/v1/federation/status?organization_id=" + org).jsonPath()
                        .getList("organizations[0].nodes").size() == 1);
        String metrics = io.restassured.RestAssured.given().when().get("/q/metrics").asString();
        assertThat(metrics).contains("polity_status_reports_rejected_total");
    }
}
