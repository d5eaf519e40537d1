package dev.polity.gateway;

import dev.polity.devstack.DevstackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.polity.gateway.GatewayTestResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

/** The pipeline call against a stand-in registry and policy node (see {@link GatewayTestResource}). */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class PipelineDeploymentTest {

    private static String body(String model, String environment, String trainingData) {
        return """
                {"model": "%s", "environment": "%s",
                 "version": {"version": "1.0.0", "artifact_uri": "s3://models/x.onnx", "artifact_sha256": "%s",
                             "training_data": %s},
                 "deployment_context": {"region": "eu", "traffic_percent": 5},
                 "model_metadata": {"model_card": {"intended_use": "credit scoring"}, "training_data": {"contains_pii": false}}}
                """.formatted(model, environment, "ab".repeat(32), trainingData);
    }

    private static String model(String kind) {
        return "pipe-" + kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void registersANewVersionAndAnswersApprovedForStaging() {
        String model = model("new");
        given().auth().oauth2(token("acme", "data_scientist")).contentType(ContentType.JSON)
                .body(body(model, "staging", "{\"contains_pii\": false}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(200).contentType(ContentType.JSON)
                .body("outcome", equalTo("approved"))
                .body("deployable", equalTo(true))
                .body("registered", equalTo(true))
                .body("model_id", equalTo("acme/" + model))
                .body("version", equalTo("1.0.0"))
                .body("environment", equalTo("staging"))
                .body("decision_id", notNullValue())
                .body("bundle_revision", equalTo(7))
                .body("audit.decision", equalTo("/api/v1/audit/events?type=polity.decision.made&subject=model%2Facme%2F" + model))
                .body("audit.model", equalTo("/api/v1/audit/events?subject=model%2Facme%2F" + model))
                // What the node was asked: the stored facts, the target environment, the caller's organisation and team.
                .body("decision.received.organization_id", equalTo("acme"))
                .body("decision.received.team_id", equalTo("growth"))
                .body("decision.received.model_id", equalTo("acme/" + model))
                .body("decision.received.model_metadata.name", equalTo(model))
                .body("decision.received.model_metadata.risk_level", equalTo("medium"))
                .body("decision.received.model_metadata.model_card.intended_use", equalTo("credit scoring"))
                .body("decision.received.deployment_context.environment", equalTo("staging"))
                .body("decision.received.deployment_context.region", equalTo("eu"))
                .body("decision.received.requested_permissions", equalTo(List.of("model:deploy:staging")));
        assertThat(GatewayTestResource.calls("POST /api/v1/models/acme/" + model + "/versions")).isEqualTo(1);
    }

    @Test
    void answersConditionalWithConstraintsForProduction() {
        given().auth().oauth2(token("acme", "ml_engineer")).contentType(ContentType.JSON)
                .body(body(model("prod"), "production", "{\"contains_pii\": false}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(200)
                .body("outcome", equalTo("conditional"))
                .body("deployable", equalTo(true))
                .body("conditions", equalTo(List.of("shadow_mode")))
                .body("constraints", equalTo(Map.of("max_traffic_percent", 10)))
                .body("reasons[0].policy_id", equalTo("high-risk-rollout"))
                .body("reasons[0].message", equalTo("Medium-risk models start in shadow mode"));
    }

    @Test
    void answersDeniedWithTheReasonsAs403() {
        String model = model("pii");
        given().auth().oauth2(token("acme", "ml_engineer")).contentType(ContentType.JSON)
                .body(body(model, "staging", "{\"contains_pii\": true}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:deployment-denied"))
                .body("status", equalTo(403))
                .body("detail", containsString("PII detected without anonymization"))
                .body("outcome", equalTo("denied"))
                .body("deployable", equalTo(false))
                .body("reasons", org.hamcrest.Matchers.hasSize(1))
                .body("reasons[0].policy_id", equalTo("pii-anonymization"))
                .body("reasons[0].rule", equalTo("anonymized"))
                .body("reasons[0].remedy", equalTo("Anonymise the training data"))
                .body("audit.decision", containsString("subject=model%2Facme%2F" + model));
    }

    @Test
    void judgesAVersionAlreadyRegisteredByItsStoredFactsNotByWhatThePipelineClaims() {
        // The pipeline claims PII; the registry stored the version without: the stored facts decide.
        given().auth().oauth2(token("acme", "ml_engineer")).contentType(ContentType.JSON)
                .body(body(model("existing"), "staging", "{\"contains_pii\": true}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(200)
                .body("outcome", equalTo("approved"))
                .body("registered", equalTo(false))
                .body("decision.received.model_metadata.training_data.contains_pii", equalTo(false));
    }

    @Test
    void passesTheRegistrysValidationProblemOn() {
        given().auth().oauth2(token("acme", "ml_engineer")).contentType(ContentType.JSON)
                .body(body(model("invalid"), "staging", "{}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo("artifact_sha256: is required"));
    }

    @Test
    void keepsProductionToMlEngineers() {
        given().auth().oauth2(token("acme", "data_scientist")).contentType(ContentType.JSON)
                .body(body(model("ds-prod"), "production", "{}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(403).body("detail", containsString("ml_engineer"));
    }

    @Test
    void refusesRolesThatDoNotDeploy() {
        given().auth().oauth2(token("acme", "auditor")).contentType(ContentType.JSON)
                .body(body(model("auditor"), "staging", "{}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(403).body("type", equalTo("urn:polity:problem:role-missing"));
    }

    @Test
    void namesEveryMissingField() {
        given().auth().oauth2(token("acme", "ml_engineer")).contentType(ContentType.JSON)
                .body("{\"model\": \"../x\", \"environment\": \"moon\", \"version\": {}}")
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors.field", equalTo(List.of("model", "environment", "version.version")));
    }

    @Test
    void answersAClearProblemWhenTheNodeIsDown() {
        given().auth().oauth2(token("downco", "ml_engineer")).contentType(ContentType.JSON)
                .body(body(model("down"), "staging", "{}"))
                .post("/api/v1/pipelines/deployments")
                .then().statusCode(503).contentType("application/problem+json");
    }
}
