package dev.polity.registry.lifecycle.rest;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.TestTokens;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.Audit;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.polity.registry.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
class LifecycleTest {

    private static final String VERSIONS = "/api/v1/models/{org}/{name}/versions";
    private static final String VERSION = "/api/v1/models/{org}/{name}/versions/{version}";
    private static final String TRANSITIONS = VERSION + "/transitions";
    private static final String SIGN_OFFS = TRANSITIONS + "/{id}/sign-offs";
    private static final String ANONYMISED_PII = "{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\", \"consent_tracked\": true}";

    @ConfigProperty(name = "polity.registry.policy-nodes.acme")
    String acmeNode;

    @Inject
    Pool pool;

    private static ValidatableResponse move(String role, String name, String version, String target) {
        return as("acme", role).body(Map.of("target", target, "reason", "move to " + target))
                .post(TRANSITIONS, "acme", name, version).then();
    }

    private static ValidatableResponse signOff(String role, String name, String version, String id, String body) {
        return as("acme", role).body(body).post(SIGN_OFFS, "acme", name, version, id).then();
    }

    private static String register(String name, String version, String trainingData, String model) {
        as("acme", "ml_engineer").body(Api.body(version, trainingData, model)).post(VERSIONS, "acme", name).then().statusCode(201);
        return version;
    }

    @Test
    void movesALowRiskVersionToStagingAtOnceOnTheNodesApproval() {
        String name = Api.uniqueName("low");
        as("acme", "ml_engineer").body(Api.body("1.0.0")).post(VERSIONS, "acme", name).then().statusCode(201)
                .body("risk.level", equalTo("low")).body("risk.score", equalTo(0));

        String decisionId = move("data_scientist", name, "1.0.0", "staging").statusCode(201)
                .body("state", equalTo("completed"))
                .body("from_status", equalTo("development"))
                .body("to_status", equalTo("staging"))
                .body("required_reviews.size()", equalTo(0))
                .body("decision.decision", equalTo("approved"))
                .body("decision.bundle_revision", equalTo(7))
                .body("requested_by", equalTo(Api.subject("acme", "data_scientist")))
                .extract().path("decision.decision_id");

        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().statusCode(200)
                .body("status", equalTo("staging"));
        as("acme", "compliance_officer").get(VERSION + "/history", "acme", name, "1.0.0").then().statusCode(200)
                .body("items.size()", equalTo(1))
                .body("items[0].from_status", equalTo("development"))
                .body("items[0].to_status", equalTo("staging"))
                .body("items[0].moved_by", equalTo(Api.subject("acme", "data_scientist")))
                .body("items[0].reason", equalTo("move to staging"))
                .body("items[0].decision_id", equalTo(decisionId))
                .body("items[0].bundle_revision", equalTo(7));

        // What the node was asked: the version's metadata, the target as environment, the caller's own token.
        JsonPath sent = RestAssured.given().get(acmeNode + "/requests?model_id=acme/" + name).then().statusCode(200).extract().jsonPath();
        assertThat(sent.getString("[0].authorization")).isEqualTo("Bearer " + TestTokens.of("acme", "data_scientist"));
        assertThat(sent.getString("[0].organization_id")).isEqualTo("acme");
        assertThat(sent.getString("[0].team_id")).isEqualTo("team-a");
        assertThat(sent.getString("[0].deployment_context.environment")).isEqualTo("staging");
        assertThat(sent.getString("[0].model_metadata.risk_level")).isEqualTo("low");
        assertThat(sent.getFloat("[0].model_metadata.fairness_metrics.demographic_parity")).isEqualTo(0.04f);
        assertThat(sent.getFloat("[0].model_metadata.performance_metrics.accuracy")).isEqualTo(0.95f);
        assertThat(sent.getBoolean("[0].model_metadata.training_data.contains_pii")).isFalse();
        assertThat(sent.getString("[0].model_metadata.model_card.intended_use")).isEqualTo("Scoring card payments for fraud");
        assertThat(Audit.typesFor(pool, "model/acme/" + name)).containsExactly("polity.model.registered", "polity.model.transitioned");
    }

    @Test
    void stopsADeniedTransitionWithThePolicysReasons() {
        String name = Api.uniqueName("denied");
        register(name, "1.0.0", "{\"contains_pii\": true, \"consent_tracked\": true}", null);

        move("data_scientist", name, "1.0.0", "staging").statusCode(422)
                .contentType(Api.PROBLEM)
                .body("type", equalTo("urn:polity:problem:transition-denied"))
                .body("detail", containsString("PII detected without anonymization"))
                .body("errors.field", contains("policy_evaluations.pii-anonymization.pii-anonymized"));

        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("development"));
        as("acme", "data_scientist").get(TRANSITIONS, "acme", name, "1.0.0").then().statusCode(200)
                .body("items[0].state", equalTo("denied"))
                .body("items[0].decision.decision", equalTo("denied"))
                .body("items[0].decision.reasons[0].message", equalTo("PII detected without anonymization"));
        as("acme", "data_scientist").get(VERSION + "/history", "acme", name, "1.0.0").then().body("items.size()", equalTo(0));
        assertThat(Audit.typesFor(pool, "model/acme/" + name)).containsExactly("polity.model.registered", "polity.model.transition.denied");
    }

    @Test
    void recordsTheConstraintsOfAConditionalDecisionOnTheDeployment() {
        String name = Api.uniqueName("conditional");
        register(name, "1.0.0", "{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\", \"consent_tracked\": false}", null);

        // PII makes it MEDIUM: the node's conditional approval, then a security review.
        String id = move("data_scientist", name, "1.0.0", "staging").statusCode(202)
                .body("state", equalTo("pending_review"))
                .body("risk_level", equalTo("medium"))
                .body("pending_reviews", contains("security_review"))
                .body("decision.decision", equalTo("conditional"))
                .body("decision.conditions", contains("Implement consent tracking for PII usage"))
                .body("decision.constraints.shadow_mode", equalTo(true))
                .extract().path("id");
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("development"));

        signOff("security_reviewer", name, "1.0.0", id, "{\"comment\": \"pen-tested\"}").statusCode(200)
                .body("state", equalTo("completed"))
                .body("sign_offs[0].review", equalTo("security_review"))
                .body("sign_offs[0].signed_by", equalTo(Api.subject("acme", "security_reviewer")));

        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then()
                .body("status", equalTo("staging"))
                .body("deployment_constraints.shadow_mode", equalTo(true))
                .body("deployment_constraints.consent_tracking_required", equalTo(true));
        as("acme", "data_scientist").get(VERSION + "/history", "acme", name, "1.0.0").then()
                .body("items[0].decision_outcome", equalTo("conditional"))
                .body("items[0].constraints.shadow_mode", equalTo(true))
                .body("items[0].sign_offs[0].review", equalTo("security_review"))
                .body("items[0].sign_offs[0].comment", equalTo("pen-tested"));
        assertThat(Audit.typesFor(pool, "model/acme/" + name)).containsExactly("polity.model.registered",
                "polity.model.transition.requested", "polity.model.transition.signed_off", "polity.model.transitioned");
    }

    @Test
    void assessesRiskFromTheModelsFactsAndStoresItsInputs() {
        String name = Api.uniqueName("risk");
        as("acme", "ml_engineer").body(Api.body("1.0.0", ANONYMISED_PII,
                        "{\"domain\": \"finance\", \"user_facing\": true, \"autonomous_decisions\": true}"))
                .post(VERSIONS, "acme", name).then().statusCode(201)
                .body("risk.level", equalTo("critical"))
                .body("risk.score", equalTo(6))
                .body("risk.inputs.domain", equalTo("finance"))
                .body("risk.inputs.critical_domain", equalTo(true))
                .body("risk.inputs.user_facing", equalTo(true))
                .body("risk.inputs.autonomous_decisions", equalTo(true))
                .body("risk.inputs.processes_pii", equalTo(true))
                .body("risk.inputs.factors.factor", contains("critical_domain", "user_facing", "autonomous_decisions", "processes_pii"));

        String other = Api.uniqueName("risk");
        as("acme", "ml_engineer").body(Api.body("1.0.0", null, "{\"domain\": \"healthcare\", \"user_facing\": true}"))
                .post(VERSIONS, "acme", other).then().statusCode(201)
                .body("risk.level", equalTo("high")).body("risk.score", equalTo(3));
        String third = Api.uniqueName("risk");
        as("acme", "ml_engineer").body(Api.body("1.0.0", null, "{\"domain\": \"retail\", \"autonomous_decisions\": true}"))
                .post(VERSIONS, "acme", third).then().statusCode(201)
                .body("risk.level", equalTo("medium")).body("risk.score", equalTo(2))
                .body("risk.inputs.critical_domain", equalTo(false));
    }

    @Test
    void needsASignOffPerReviewRoleForACriticalVersion() {
        String name = Api.uniqueName("critical");
        register(name, "1.0.0", ANONYMISED_PII, "{\"domain\": \"healthcare\", \"user_facing\": true, \"autonomous_decisions\": true}");

        String id = move("ml_engineer", name, "1.0.0", "staging").statusCode(202)
                .body("risk_level", equalTo("critical"))
                .body("required_reviews", contains("security_review", "compliance_check", "stakeholder_review"))
                .extract().path("id");
        signOff("security_reviewer", name, "1.0.0", id, "{}").statusCode(200)
                .body("state", equalTo("pending_review"))
                .body("pending_reviews", contains("compliance_check", "stakeholder_review"));
        signOff("compliance_officer", name, "1.0.0", id, "{\"review\": \"compliance_check\"}").statusCode(200)
                .body("pending_reviews", contains("stakeholder_review"));
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("development"));
        signOff("stakeholder", name, "1.0.0", id, "{}").statusCode(200).body("state", equalTo("completed"));

        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("staging"));
        as("acme", "data_scientist").get(VERSION + "/history", "acme", name, "1.0.0").then()
                .body("items[0].sign_offs.review", contains("security_review", "compliance_check", "stakeholder_review"));
    }

    @Test
    void needsASecurityReviewAndAComplianceCheckForAHighRiskVersion() {
        String name = Api.uniqueName("high");
        register(name, "1.0.0", null, "{\"domain\": \"legal\", \"user_facing\": true}");
        move("ml_engineer", name, "1.0.0", "staging").statusCode(202)
                .body("risk_level", equalTo("high"))
                .body("required_reviews", contains("security_review", "compliance_check"));
    }

    @Test
    void neverLetsTheRequesterSignTheTransitionOff() {
        String name = Api.uniqueName("self");
        register(name, "1.0.0", null, "{\"user_facing\": true}");
        String id = as("acme", "ml_engineer,security_reviewer").body(Map.of("target", "staging", "reason", "ready"))
                .post(TRANSITIONS, "acme", name, "1.0.0").then().statusCode(202).extract().path("id");

        signOff("ml_engineer,security_reviewer", name, "1.0.0", id, "{}").statusCode(403)
                .contentType(Api.PROBLEM)
                .body("detail", containsString("cannot sign it off"));
        signOff("security_reviewer", name, "1.0.0", id, "{}").statusCode(200).body("state", equalTo("completed"));
    }

    @Test
    void letsOnePersonSignOnlyOneReviewOfATransition() {
        String name = Api.uniqueName("four-eyes");
        register(name, "1.0.0", null, "{\"domain\": \"safety\", \"user_facing\": true}");
        String id = move("ml_engineer", name, "1.0.0", "staging").statusCode(202).extract().path("id");

        signOff("security_reviewer,compliance_officer", name, "1.0.0", id, "{}").statusCode(400)
                .body("errors.field", contains("review"));
        signOff("security_reviewer,compliance_officer", name, "1.0.0", id, "{\"review\": \"security_review\"}").statusCode(200);
        signOff("security_reviewer,compliance_officer", name, "1.0.0", id, "{\"review\": \"compliance_check\"}").statusCode(403);
        signOff("compliance_officer", name, "1.0.0", id, "{}").statusCode(200).body("state", equalTo("completed"));
    }

    @Test
    void refusesSignOffsFromTheWrongRoleOrOrganization() {
        String name = Api.uniqueName("wrong-reviewer");
        register(name, "1.0.0", null, "{\"domain\": \"finance\"}");
        String id = move("ml_engineer", name, "1.0.0", "staging").statusCode(202).extract().path("id");

        signOff("compliance_officer", name, "1.0.0", id, "{\"review\": \"security_review\"}").statusCode(403);
        signOff("compliance_officer", name, "1.0.0", id, "{\"review\": \"compliance_check\"}").statusCode(400)
                .body("errors.field", contains("review"));
        signOff("ml_engineer", name, "1.0.0", id, "{}").statusCode(403);
        as("globex", "security_reviewer").body("{}").post(SIGN_OFFS, "acme", name, "1.0.0", id).then().statusCode(403);
        as("acme", "security_reviewer").body("{}").post(SIGN_OFFS, "acme", name, "1.0.0", "not-a-uuid").then().statusCode(400);
    }

    @Test
    void rejectsATransitionWhenAReviewerSaysNoWithAReason() {
        String name = Api.uniqueName("rejected");
        register(name, "1.0.0", null, "{\"user_facing\": true}");
        String id = move("ml_engineer", name, "1.0.0", "staging").statusCode(202).extract().path("id");

        signOff("security_reviewer", name, "1.0.0", id, "{\"approved\": false}").statusCode(400)
                .body("errors.field", contains("comment"));
        signOff("security_reviewer", name, "1.0.0", id, "{\"approved\": false, \"comment\": \"open CVE in the serving image\"}")
                .statusCode(200).body("state", equalTo("rejected"));
        signOff("security_reviewer", name, "1.0.0", id, "{}").statusCode(409);
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("development"));
        // A new request is possible once the previous one is closed.
        move("ml_engineer", name, "1.0.0", "staging").statusCode(202);
        move("ml_engineer", name, "1.0.0", "staging").statusCode(409);
    }

    @Test
    void letsOnlyAnMlEngineerDeployToProduction() {
        String name = Api.uniqueName("prod-role");
        register(name, "1.0.0", null, null);
        move("data_scientist", name, "1.0.0", "staging").statusCode(201);
        move("data_scientist", name, "1.0.0", "production").statusCode(403).contentType(Api.PROBLEM);
        move("ml_engineer", name, "1.0.0", "production").statusCode(201).body("to_status", equalTo("production"));
        as("globex", "ml_engineer").body(Map.of("target", "deprecated", "reason", "x"))
                .post(TRANSITIONS, "acme", name, "1.0.0").then().statusCode(403);
    }

    @Test
    void refusesTransitionsTheLifecycleDoesNotAllow() {
        String name = Api.uniqueName("skip");
        register(name, "1.0.0", null, null);
        move("ml_engineer", name, "1.0.0", "production").statusCode(409)
                .body("detail", containsString("from development it can move to staging"));
        move("ml_engineer", name, "1.0.0", "archived").statusCode(400).body("errors.field", contains("target"));
        as("acme", "ml_engineer").body("{\"target\": \"staging\"}").post(TRANSITIONS, "acme", name, "1.0.0").then()
                .statusCode(400).body("errors.field", contains("reason"));
        move("ml_engineer", name, "9.9.9", "staging").statusCode(404);
    }

    @Test
    void deprecatesThePreviousProductionVersionAndRollsBackToIt() {
        String name = Api.uniqueName("rollback");
        register(name, "1.0.0", null, null);
        register(name, "2.0.0", null, null);
        for (String version : List.of("1.0.0", "2.0.0")) {
            move("ml_engineer", name, version, "staging").statusCode(201);
            move("ml_engineer", name, version, "production").statusCode(201);
        }
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().statusCode(200)
                .header("Deprecation", "true")
                .body("status", equalTo("deprecated"))
                .body("warning", containsString("deprecated"))
                .body("artifact_uri", equalTo("s3://models/x/1.0.0.onnx"));
        as("acme", "data_scientist").get(VERSION + "/history", "acme", name, "1.0.0").then()
                .body("items[2].to_status", equalTo("deprecated"))
                .body("items[2].automatic", equalTo(true))
                .body("items[2].reason", containsString("superseded by version 2.0.0"));

        move("ml_engineer", name, "1.0.0", "production").statusCode(201).body("rollback", equalTo(true));
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("production"))
                .body("warning", nullValue());
        as("acme", "data_scientist").get(VERSION, "acme", name, "2.0.0").then().body("status", equalTo("deprecated"));
        as("acme", "data_scientist").get(VERSION + "/history", "acme", name, "1.0.0").then()
                .body("items[3].rollback", equalTo(true)).body("items[3].to_status", equalTo("production"));
    }

    @Test
    void withholdsTheArtifactOfARetiredVersionButKeepsItsMetadata() {
        String name = Api.uniqueName("retired");
        register(name, "1.0.0", null, null);
        for (String target : List.of("staging", "production", "deprecated", "retired")) {
            move("ml_engineer", name, "1.0.0", target).statusCode(201);
        }
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().statusCode(200)
                .body("status", equalTo("retired"))
                .body("artifact_uri", nullValue())
                .body("artifact_withheld", equalTo(true))
                .body("artifact_sha256", equalTo(Api.SHA))
                .body("framework", equalTo("xgboost"))
                .body("warning", containsString("retired"));
        as("acme", "data_scientist").get(VERSIONS, "acme", name).then().body("items[0].artifact_uri", nullValue());
        move("ml_engineer", name, "1.0.0", "production").statusCode(409).body("detail", containsString("end of its lifecycle"));
    }

    @Test
    void answersUnavailableWhenThePolicyNodeIsMissingOrFails() {
        String name = Api.uniqueName("no-node");
        as("initech", "ml_engineer").body(Api.body("1.0.0", null, null)).post(VERSIONS, "initech", name).then().statusCode(201);
        as("initech", "ml_engineer").body(Map.of("target", "staging", "reason", "x"))
                .post(TRANSITIONS, "initech", name, "1.0.0").then().statusCode(503)
                .contentType(Api.PROBLEM)
                .body("detail", containsString("polity.registry.policy-nodes.initech"));

        String failing = Api.uniqueName("node-fails");
        register(failing, "1.0.0", null, null);
        move("ml_engineer", failing, "1.0.0", "staging").statusCode(503).contentType(Api.PROBLEM);
        as("acme", "data_scientist").get(VERSION, "acme", failing, "1.0.0").then().body("status", equalTo("development"));
    }

    @Test
    void keepsTheHistoryAppendOnly() {
        String name = Api.uniqueName("append-only");
        register(name, "1.0.0", null, null);
        move("ml_engineer", name, "1.0.0", "staging").statusCode(201);
        assertThatThrownBy(() -> pool.query("update version_history set reason = 'rewritten' where reason = 'move to staging'")
                .execute().await().indefinitely()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> pool.query("delete from version_history").execute().await().indefinitely())
                .hasMessageContaining("append-only");
        as("acme", "data_scientist").get(TRANSITIONS + "/{id}", "acme", name, "1.0.0", "00000000-0000-0000-0000-000000000000")
                .then().statusCode(404);
    }

    @Test
    void listsTransitionsWithTheirDecisions() {
        String name = Api.uniqueName("listed");
        register(name, "1.0.0", null, null);
        String id = move("ml_engineer", name, "1.0.0", "staging").statusCode(201)
                .header("Location", containsString("/transitions/")).extract().path("id");
        as("acme", "compliance_officer").get(TRANSITIONS + "/{id}", "acme", name, "1.0.0", id).then().statusCode(200)
                .body("id", equalTo(id)).body("decision.decision_id", notNullValue());
        as("acme", "compliance_officer").get(TRANSITIONS, "acme", name, "1.0.0").then().statusCode(200)
                .body("items.id", hasItem(id));
    }

    @Test
    void closesATransitionWhoseDecisionExpiredBeforeTheLastSignOff() {
        String name = Api.uniqueName("expired");
        register(name, "1.0.0", null, "{\"user_facing\": true}");
        String id = move("ml_engineer", name, "1.0.0", "staging").statusCode(202).extract().path("id");
        pool.preparedQuery("update version_transition set decision = jsonb_set(decision, '{expires_at}', '\"2020-01-01T00:00:00Z\"') where id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(java.util.UUID.fromString(id))).await().indefinitely();

        signOff("security_reviewer", name, "1.0.0", id, "{}").statusCode(200).body("state", equalTo("expired"));
        as("acme", "data_scientist").get(VERSION, "acme", name, "1.0.0").then().body("status", equalTo("development"));
        move("ml_engineer", name, "1.0.0", "staging").statusCode(202);
    }
}
