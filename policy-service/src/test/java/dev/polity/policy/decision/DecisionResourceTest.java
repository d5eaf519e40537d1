package dev.polity.policy.decision;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.decision.service.DecisionJsonWriter;
import dev.polity.policy.decision.service.DecisionJsonWriterTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import dev.polity.devstack.TestTokens;
import io.restassured.specification.RequestSpecification;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(OidcTestResource.class)
class DecisionResourceTest {

    @Inject
    ObjectMapper objectMapper;
    @Inject
    DecisionJsonWriter decisionJson;

    /** The hand-written JSON writer against databind with the application's own ObjectMapper configuration. */
    @Test
    void decisionJsonIsWhatDatabindWrites() throws Exception {
        for (DecisionResponse sample : DecisionJsonWriterTest.samples()) {
            assertThat(new String(decisionJson.response(sample), StandardCharsets.UTF_8))
                    .isEqualTo(objectMapper.writeValueAsString(sample));
        }
    }

    private static String token(String role) {
        return TestTokens.of(ORG, role);
    }

    static RequestSpecification asPipeline() {
        return given().auth().oauth2(token("ml_engineer")).contentType(ContentType.JSON);
    }

    private static final String ORG = SigningKeysTestResource.ORGANIZATION;
    /** Revisions only go up; tests share one node, so they take revisions from one counter. */
    private static final AtomicLong REVISIONS = new AtomicLong(Instant.now().getEpochSecond());

    private static final List<PolicyDocument> POLICIES = List.of(
            PolicyDocuments.parse("""
                    id: pii-anonymization
                    scope: { level: global }
                    type: data_privacy
                    enforcement: blocking
                    rules:
                      - name: pii-anonymized
                        expression: '!request.model.training_data.contains_pii || has(request.model.training_data.anonymization_method)'
                        message: PII detected without anonymization
                    """),
            PolicyDocuments.parse("""
                    id: pii-consent
                    scope: { level: global }
                    type: data_privacy
                    enforcement: conditional
                    conditions: [Implement consent tracking for PII usage]
                    constraints: { shadow_mode: true }
                    rules:
                      - name: consent-tracked
                        expression: '!request.model.training_data.contains_pii || request.model.training_data.consent_tracked == true'
                        message: PII used without consent tracking
                    """));

    static String decisionRequest(String trainingData) {
        return """
                {"model_id": "acme/churn", "organization_id": "%s", "team_id": "growth",
                 "model_metadata": {"name": "churn", "version": "1.0.0", "created_by": "alice",
                                    "training_data": %s},
                 "deployment_context": {"environment": "staging", "region": "eu"}}
                """.formatted(ORG, trainingData);
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private static String bootstrapServers() {
        return ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class);
    }

    private static void publish(SignedBundle bundle) throws Exception {
        try (KafkaProducer<String, byte[]> producer = producer()) {
            producer.send(new ProducerRecord<>(Topics.POLICY_BUNDLES, bundle.manifest().organizationId(),
                    Bundles.toJson(bundle).getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    static long publishValidBundle() throws Exception {
        long revision = REVISIONS.incrementAndGet();
        KeyPair keys = SigningKeysTestResource.KEYS;
        publish(Bundles.sign(ORG, revision, Instant.now(), POLICIES, keys.getPrivate(), keys.getPublic()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(token("ml_engineer")).get("/api/v1/node/bundle").then().statusCode(200)
                        .body("manifest.revision", org.hamcrest.Matchers.greaterThanOrEqualTo((int) revision)));
        return revision;
    }

    @Test
    void deniesPiiWithoutAnonymizationWithTheRuleMessage() throws Exception {
        publishValidBundle();
        asPipeline().body(decisionRequest("{\"contains_pii\": true, \"consent_tracked\": true}"))
                .post("/api/v1/decisions")
                .then().statusCode(200)
                .body("decision", equalTo("denied"))
                .body("policy_evaluations.find { it.policy_id == 'pii-anonymization' }.decision", equalTo("denied"))
                .body("policy_evaluations.find { it.policy_id == 'pii-anonymization' }.rules[0].message",
                        equalTo("PII detected without anonymization"))
                .body("bundle_revision", notNullValue())
                .body("expires_at", notNullValue());
    }

    @Test
    void approvesPiiWithKAnonymityAndConsent() throws Exception {
        publishValidBundle();
        asPipeline()
                .body(decisionRequest("{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\", \"consent_tracked\": true}"))
                .post("/api/v1/decisions")
                .then().statusCode(200)
                .body("decision", equalTo("approved"))
                .body("policy_evaluations.decision", hasItems("approved"));
    }

    @Test
    void makesPiiWithoutConsentConditionalWithConstraints() throws Exception {
        publishValidBundle();
        asPipeline()
                .body(decisionRequest("{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\"}"))
                .post("/api/v1/decisions")
                .then().statusCode(200)
                .body("decision", equalTo("conditional"))
                .body("conditions", hasItem("Implement consent tracking for PII usage"))
                .body("constraints.shadow_mode", equalTo(true));
    }

    @Test
    void recordsEveryDecisionAsACloudEventOnTheAuditTopic() throws Exception {
        publishValidBundle();
        // Once Kafka has acknowledged one record, the node hands records to the producer on its event loop
        // (DecisionAuditLog); the decision checked below takes that path.
        asPipeline().body(decisionRequest("{\"contains_pii\": false}")).post("/api/v1/decisions").then().statusCode(200);
        double sentDirectlyBefore = sentDirectly();
        Response answer = asPipeline().body(decisionRequest("{\"contains_pii\": false}"))
                .post("/api/v1/decisions")
                .then().statusCode(200).extract().response();
        assertThat(sentDirectly()).as("the record was sent on the event loop").isEqualTo(sentDirectlyBefore + 1);
        String decisionId = answer.path("decision_id");
        byte[] answerBytes = answer.asByteArray();

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(Topics.AUDIT_EVENTS));
            ConsumerRecord<String, byte[]> found = null;
            long deadline = System.currentTimeMillis() + 30_000;
            while (found == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    var id = record.headers().lastHeader("ce_id");
                    if (id != null && decisionId.equals(new String(id.value(), StandardCharsets.UTF_8))) {
                        found = record;
                    }
                }
            }
            assertThat(found).as("audit event for decision " + decisionId).isNotNull();
            assertThat(new String(found.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8)).isEqualTo("polity.decision.made");
            assertThat(new String(found.headers().lastHeader("ce_polityorg").value(), StandardCharsets.UTF_8)).isEqualTo(ORG);
            assertThat(found.key()).isEqualTo("model/acme/churn");
            String data = new String(found.value(), StandardCharsets.UTF_8);
            assertThat(data).contains("\"decision\":\"approved\"").contains("\"request_digest\":");
            // The record commits to the exact bytes the caller received, and the JSON writer agrees with databind.
            var record = objectMapper.readTree(found.value());
            assertThat(record.path("response_sha256").asText()).isEqualTo(Hashes.sha256Hex(answerBytes));
            assertThat(record.path("decision").path("decision_id").asText()).isEqualTo(decisionId);
            assertThat(objectMapper.readTree(answerBytes).path("policy_evaluations")).isNotEmpty();
            // The request's metadata may describe personal data: only its digest is logged.
            assertThat(data).doesNotContain("training_data");
            assertThat(new String(found.headers().lastHeader("ce_polityactor").value(), StandardCharsets.UTF_8)).isNotBlank();
        }
    }

    /** polity_node_audit_records_sent_directly_total from /q/metrics. */
    private static double sentDirectly() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("polity_node_audit_records_sent_directly_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void rejectsATamperedBundleAndKeepsDecidingWithTheActiveOne() throws Exception {
        long active = publishValidBundle();
        KeyPair keys = SigningKeysTestResource.KEYS;
        SignedBundle genuine = Bundles.sign(ORG, REVISIONS.incrementAndGet(), Instant.now(), POLICIES, keys.getPrivate(), keys.getPublic());
        PolicyDocument loosened = PolicyDocuments.parse(PolicyDocuments.toJson(POLICIES.get(0))
                .replace("!request.model.training_data.contains_pii || has(request.model.training_data.anonymization_method)", "true"));
        publish(new SignedBundle(genuine.manifest(), List.of(loosened, genuine.policies().get(1)), genuine.signature()));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(token("ml_engineer")).get("/api/v1/node/status").then().statusCode(200)
                        .body("last_error", containsString("does not match its hash")));
        given().auth().oauth2(token("ml_engineer")).get("/api/v1/node/bundle").then().body("manifest.revision", equalTo((int) active));
        asPipeline().body(decisionRequest("{\"contains_pii\": true, \"consent_tracked\": true}"))
                .post("/api/v1/decisions").then().statusCode(200).body("decision", equalTo("denied"));
    }

    @Test
    void rejectsABundleSignedByAnUntrustedKey() throws Exception {
        long active = publishValidBundle();
        KeyPair stranger = Ed25519.generateKeyPair();
        publish(Bundles.sign(ORG, REVISIONS.incrementAndGet(), Instant.now(), POLICIES, stranger.getPrivate(), stranger.getPublic()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                given().auth().oauth2(token("ml_engineer")).get("/api/v1/node/status").then().body("last_error", containsString("untrusted key")));
        given().auth().oauth2(token("ml_engineer")).get("/api/v1/node/bundle").then().body("manifest.revision", equalTo((int) active));
    }

    @Test
    void persistsTheLastGoodBundleForRestartsWithoutTheCentralAuthority() throws Exception {
        long revision = publishValidBundle();
        Path stateDirectory = Path.of(ConfigProvider.getConfig().getValue("polity.node.state-directory", String.class));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            SignedBundle persisted = Bundles.fromJson(Files.readAllBytes(stateDirectory.resolve("last-good-bundle.json")));
            assertThat(persisted.manifest().revision()).isGreaterThanOrEqualTo(revision);
        });
    }

    @Test
    void refusesRequestsForAnotherOrganization() {
        asPipeline().body(decisionRequest("{}").replace("\"organization_id\": \"" + ORG + "\"", "\"organization_id\": \"globex\""))
                .post("/api/v1/decisions")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("'globex'"));
    }

    @Test
    void namesEveryMissingRequiredField() {
        asPipeline().body("{\"team_id\": \"growth\"}")
                .post("/api/v1/decisions")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("model_id", "organization_id", "model_metadata"));
    }

    @Test
    void answersMalformedJsonWithAProblem() {
        asPipeline().body("{\"model_id\": ")
                .post("/api/v1/decisions")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("title", equalTo("Malformed request body"));
    }

    @Test
    void namesAnUnknownField() {
        asPipeline().body(decisionRequest("{}").replace("\"team_id\"", "\"teem_id\""))
                .post("/api/v1/decisions")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors[0].field", equalTo("teem_id"));
    }

    @Test
    void exposesHealthMetricsAndOpenApi() throws Exception {
        publishValidBundle();
        given().get("/q/health/ready").then().statusCode(200).body("checks.name", hasItem("active-policy-bundle"));
        given().get("/q/metrics").then().statusCode(200).body(containsString("polity_node_bundle_activations_total"));
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/decisions"));
    }

    @Test
    void refusesCallersWithoutAToken() {
        given().contentType(ContentType.JSON).body(decisionRequest("{}")).post("/api/v1/decisions").then().statusCode(401);
        given().get("/api/v1/node/status").then().statusCode(401);
    }

    @Test
    void letsDataScientistsAskForDecisions() throws Exception {
        publishValidBundle();
        given().auth().oauth2(token("data_scientist")).contentType(ContentType.JSON).body(decisionRequest("{\"contains_pii\": false}"))
                .post("/api/v1/decisions").then().statusCode(200);
    }

    @Test
    void refusesDecisionsToRolesThatDoNotDeploy() {
        for (String role : List.of("business_analyst", "data_engineer", "auditor", "none")) {
            given().auth().oauth2(token(role)).contentType(ContentType.JSON).body(decisionRequest("{}"))
                    .post("/api/v1/decisions").then().statusCode(403);
        }
    }

    @Test
    void refusesTokensOfAnotherOrganization() {
        given().auth().oauth2(TestTokens.of("globex", "ml_engineer")).contentType(ContentType.JSON)
                .body(decisionRequest("{}"))
                .post("/api/v1/decisions").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("'globex'"));
    }

    @Test
    void dryRunsADraftOverTheActiveBundleWithoutRecordingIt() throws Exception {
        publishValidBundle();
        String draft = PolicyDocuments.toJson(PolicyDocuments.parse("""
                id: pii-anonymization
                scope: { level: global }
                type: data_privacy
                enforcement: advisory
                rules:
                  - name: pii-anonymized
                    expression: '!request.model.training_data.contains_pii'
                    message: PII present (advisory draft)
                """));
        given().auth().oauth2(token("policy_author")).contentType(ContentType.JSON)
                .body("{\"request\": " + decisionRequest("{\"contains_pii\": true, \"consent_tracked\": true}") + ", \"policies\": [" + draft + "]}")
                .post("/api/v1/decisions/dry-run")
                .then().statusCode(200)
                .body("decision", equalTo("approved"))
                .body("warnings[0]", containsString("PII present (advisory draft)"))
                .body("decision_id", org.hamcrest.Matchers.startsWith("dry-run-"));
    }

    @Test
    void rejectsADraftThatDoesNotCompileNamingIt() {
        String draft = "{\"id\": \"broken\", \"scope\": {\"level\": \"global\"}, \"type\": \"custom\", \"enforcement\": \"blocking\","
                + " \"rules\": [{\"name\": \"r\", \"expression\": \"request.model.(\", \"message\": \"m\"}]}";
        given().auth().oauth2(token("policy_author")).contentType(ContentType.JSON)
                .body("{\"request\": " + decisionRequest("{}") + ", \"policies\": [" + draft + "], \"drafts_only\": true}")
                .post("/api/v1/decisions/dry-run")
                .then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("'broken' rules[0].expression does not compile"));
    }

    @Test
    void refusesDryRunsToPipelines() {
        given().auth().oauth2(token("ml_engineer")).contentType(ContentType.JSON)
                .body("{\"request\": " + decisionRequest("{}") + ", \"policies\": []}")
                .post("/api/v1/decisions/dry-run").then().statusCode(403);
    }

    /** The plain Vert.x route (polity.node.decision-fast-path, on by default) is what answers, not Quarkus REST. */
    @Test
    void decisionsAreServedByThePlainRoute() throws Exception {
        publishValidBundle();
        double before = routeRequests();
        asPipeline().body(decisionRequest("{\"contains_pii\": false}")).post("/api/v1/decisions").then().statusCode(200)
                .contentType("application/json");
        assertThat(routeRequests()).isGreaterThan(before);
    }

    static double routeRequests() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith("polity_node_decision_route_requests_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void answersAnEmptyBodyWithAProblemNamingTheBody() {
        asPipeline().body("").post("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"));
    }

    @Test
    void refusesBodiesThatAreNotJson() {
        given().auth().oauth2(token("ml_engineer")).contentType(ContentType.TEXT).body("model_id=acme/churn")
                .post("/api/v1/decisions")
                .then().statusCode(415).contentType("application/problem+json");
    }

    @Test
    void refusesBodiesOverTheSizeLimit() {
        String padding = "x".repeat(300 * 1024); // quarkus.http.limits.max-body-size is 256K
        asPipeline().body(decisionRequest("{\"note\": \"" + padding + "\"}")).post("/api/v1/decisions")
                .then().statusCode(413);
        asPipeline().body(decisionRequest("{}")).post("/api/v1/decisions").then().statusCode(org.hamcrest.Matchers.oneOf(200, 503));
    }

    @Test
    void refusesBodiesNestedTooDeep() {
        String deep = "{\"a\":".repeat(40) + "1" + "}".repeat(40);
        asPipeline().body(decisionRequest(deep))
                .post("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void reportsDecisionCountersInItsStatus() throws Exception {
        publishValidBundle();
        asPipeline().body(decisionRequest("{\"contains_pii\": false}")).post("/api/v1/decisions").then().statusCode(200);
        given().auth().oauth2(token("ml_engineer")).get("/api/v1/node/status").then().statusCode(200)
                .body("decisions_total.approved", org.hamcrest.Matchers.greaterThanOrEqualTo(1))
                .body("spooled_decisions", equalTo(0));
    }
}
