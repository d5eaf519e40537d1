package dev.polity.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.json.Json;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole path, through the gateway, against the packaged services running as separate
 * processes on a real Kafka broker and a real PostgreSQL, started by the same launcher as
 * {@code bin/polity up}: register a model version, ask for two decisions, find all three in the
 * audit log.
 */
class FederationEndToEndIT {

    private static final String ORG = "globalcorp-eu";
    private static LocalFederation federation;

    @BeforeAll
    static void startFederation() throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", "..")).toAbsolutePath().normalize();
        // Readable by others: PostgreSQL runs as the postgres user when the build runs as root.
        Path work = Files.createTempDirectory("polity-e2e",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        federation = LocalFederation.start(new FederationOptions(root, root.resolve("deploy/local/federation.yaml"), work,
                FederationOptions.Identity.TEST_OIDC, false));
    }

    @AfterAll
    static void stopFederation() {
        if (federation != null) {
            federation.close();
        }
    }

    private static JsonNode json(HttpResponse<String> response) throws Exception {
        return Json.mapper().readTree(response.body());
    }

    private static HttpResponse<String> decide(String token, String model, String trainingData) {
        return Http.send("POST", federation.gatewayUrl() + "/api/v1/decisions", "application/json", """
                {"model_id": "%s/%s",
                 "model_metadata": {"name": "%s", "version": "1.0.0", "created_by": "pipeline",
                                    "training_data": %s, "model_card": {"intended_use": "credit scoring"}},
                 "deployment_context": {"environment": "staging", "region": "eu"}}
                """.formatted(ORG, model, model, trainingData), token);
    }

    @Test
    void registersDecidesAndAuditsThroughTheGateway() throws Exception {
        String token = federation.pipelineToken(ORG);
        String model = "credit-risk-" + UUID.randomUUID().toString().substring(0, 8);

        HttpResponse<String> registered = Http.send("POST",
                federation.gatewayUrl() + "/api/v1/models/" + ORG + "/" + model + "/versions", "application/json", """
                        {"version": "1.0.0", "artifact_uri": "s3://models/credit-risk/1.0.0/model.onnx",
                         "artifact_sha256": "%s", "framework": "xgboost",
                         "lineage": {"dataset_id": "loans", "dataset_version": "2026-10", "git_commit": "4f2a9c1"},
                         "training_data": {"contains_pii": true, "anonymization_method": "k-anonymity", "consent_tracked": true},
                         "created_by": "pipeline"}
                        """.formatted("ab".repeat(32)), token);
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        assertThat(registered.headers().firstValue("Location")).hasValueSatisfying(location ->
                assertThat(location).startsWith("/api/v1/models/" + ORG + "/" + model + "/versions/1.0.0"));

        HttpResponse<String> denied = decide(token, model, "{\"contains_pii\": true, \"consent_tracked\": true}");
        assertThat(denied.statusCode()).as(denied.body()).isEqualTo(200);
        JsonNode deniedDecision = json(denied);
        assertThat(deniedDecision.get("decision").asText()).isEqualTo("denied");
        List<String> messages = new ArrayList<>();
        deniedDecision.get("policy_evaluations").forEach(policy -> policy.get("rules").forEach(rule -> {
            if (!rule.get("passed").asBoolean()) {
                messages.add(rule.get("message").asText());
            }
        }));
        assertThat(messages).containsExactly("PII detected without anonymization");

        HttpResponse<String> approved = decide(token, model,
                "{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\", \"consent_tracked\": true}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(json(approved).get("decision").asText()).isEqualTo("approved");

        List<String> expected = List.of(json(denied).get("decision_id").asText(), json(approved).get("decision_id").asText());
        String auditor = federation.auditorToken(ORG);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> audit = Http.send("GET", federation.gatewayUrl()
                    + "/api/v1/audit/events?subject=model/" + ORG + "/" + model, null, null, auditor);
            assertThat(audit.statusCode()).as(audit.body()).isEqualTo(200);
            List<String> types = new ArrayList<>();
            List<String> ids = new ArrayList<>();
            json(audit).get("items").forEach(item -> {
                types.add(item.get("type").asText());
                ids.add(item.get("id").asText());
            });
            assertThat(types).containsExactlyInAnyOrder("polity.model.registered", "polity.decision.made", "polity.decision.made");
            assertThat(ids).containsAll(expected);
        });
    }

    @Test
    void refusesCallersWithoutAToken() {
        HttpResponse<String> response = Http.send("POST", federation.gatewayUrl() + "/api/v1/decisions", "application/json", "{}", null);
        assertThat(response.statusCode()).isEqualTo(401);
    }

    @Test
    void keepsOrganizationsApart() {
        // Reads of another organisation's models go to the registry's visibility rules; changes never pass the gateway.
        String token = federation.pipelineToken("nimbus-ai");
        HttpResponse<String> response = Http.send("POST", federation.gatewayUrl() + "/api/v1/models/" + ORG + "/anything/versions",
                "application/json", "{\"version\": \"1.0.0\"}", token);
        assertThat(response.statusCode()).isEqualTo(403);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    }

    @Test
    void everyNodeRunsItsOwnOrganizationsBundle() throws Exception {
        for (var node : federation.nodeUrls().entrySet()) {
            JsonNode bundle = Json.mapper().readTree(Http.expectSuccess("GET", node.getValue() + "/api/v1/node/bundle", null, null,
                    federation.pipelineToken(node.getKey())));
            assertThat(bundle.at("/manifest/organization_id").asText()).isEqualTo(node.getKey());
            List<String> policies = new ArrayList<>();
            bundle.at("/manifest/policies").forEach(policy -> policies.add(policy.get("id").asText()));
            assertThat(policies).contains("pii-anonymization", "pii-consent", "bias-threshold");
            if (node.getKey().equals("globalcorp-eu")) {
                assertThat(policies).contains("eu-model-card");
            } else {
                assertThat(policies).doesNotContain("eu-model-card");
            }
        }
    }
}
