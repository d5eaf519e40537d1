package dev.polity.registry.card;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.polity.registry.testing.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
class ModelCardTest {

    private static final String CARD = "/api/v1/models/{org}/{name}/versions/{version}/card";

    private static String promoted() {
        String name = Api.uniqueName("card");
        as("acme", "ml_engineer").body(Api.body("1.0.0").replace("\"created_by\"",
                        "\"model\": {\"domain\": \"finance\", \"description\": \"Card <fraud> & more\"}, \"created_by\""))
                .post("/api/v1/models/{org}/{name}/versions", "acme", name).then().statusCode(201);
        String id = as("acme", "ml_engineer").body(Map.of("target", "staging", "reason", "ready for shadow traffic"))
                .post("/api/v1/models/{org}/{name}/versions/1.0.0/transitions", "acme", name).then().statusCode(202)
                .extract().path("id");
        as("acme", "security_reviewer").body("{}")
                .post("/api/v1/models/{org}/{name}/versions/1.0.0/transitions/{id}/sign-offs", "acme", name, id)
                .then().statusCode(200).body("state", equalTo("completed"));
        return name;
    }

    @Test
    void generatesAJsonCardFromTheRegistrysData() {
        String name = promoted();
        as("acme", "compliance_officer").accept("application/json").get(CARD, "acme", name, "1.0.0").then().statusCode(200)
                .body("organization", equalTo("acme"))
                .body("status", equalTo("staging"))
                .body("intended_use", equalTo("Scoring card payments for fraud"))
                .body("limitations", equalTo("Card-present payments only"))
                .body("model.domain", equalTo("finance"))
                .body("risk.level", equalTo("medium"))
                .body("performance_metrics.accuracy", equalTo(0.95f))
                .body("fairness.by_group.'gender=female'.selection_rate", equalTo(0.31f))
                .body("lineage.git_commit", equalTo("a1b2c3d"))
                .body("training_data.contains_pii", equalTo(false))
                .body("artifact.sha256", equalTo(Api.SHA))
                .body("approvals[0].to_status", equalTo("staging"))
                .body("approvals[0].sign_offs[0].review", equalTo("security_review"))
                .body("history[0].reason", equalTo("ready for shadow traffic"));
    }

    @Test
    void rendersTheCardAsAnEscapedHtmlPage() {
        String name = promoted();
        as("acme", "stakeholder").accept("text/html").get(CARD, "acme", name, "1.0.0").then().statusCode(200)
                .contentType(containsString("text/html"))
                .body(containsString("<h1>Model card: acme/" + name + " 1.0.0</h1>"))
                .body(containsString("Scoring card payments for fraud"))
                .body(containsString("Card-present payments only"))
                .body(containsString("gender=female"))
                .body(containsString("security_review by " + Api.subject("acme", "security_reviewer")))
                .body(containsString("ready for shadow traffic"))
                .body(containsString("a1b2c3d"))
                .body(not(containsString("<fraud>")));
    }

    @Test
    void hidesTheCardOfAModelTheCallerMayNotSee() {
        String name = Api.uniqueName("card-hidden");
        Api.register("acme", name, "1.0.0", null);
        as("globex", "compliance_officer").get(CARD, "acme", name, "1.0.0").then().statusCode(404);
        as("acme", "auditor").get(CARD, "acme", name, "1.0.0").then().statusCode(403);
    }
}
