package dev.polity.sync.authoring;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.postPolicy;
import static dev.polity.sync.support.TestData.unique;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class PolicyAuthoringTest {

    /** A blocking bias policy with its own parameter name, so that no other test's policy conflicts with it. */
    static String thresholdPolicy(String id, String scope, String parameter, String value, String enforcement) {
        return """
                id: %s
                scope: %s
                type: bias
                enforcement: %s
                params: { %s: %s }
                rules:
                  - name: within-threshold
                    expression: request.model.score <= params.%s
                    message: Score above threshold
                """.formatted(id, scope, enforcement, parameter, value, parameter);
    }

    @Test
    void rejectsAnExpressionThatDoesNotCompileNamingPolicyRulePositionAndMessage() {
        String id = unique("broken");
        postPolicy("""
                id: %s
                scope: { level: global }
                type: custom
                enforcement: advisory
                rules:
                  - name: fine
                    expression: "true"
                    message: ok
                  - name: parity-check
                    expression: request.model.parity <= && true
                    message: broken
                """.formatted(id))
                .statusCode(422)
                .contentType("application/problem+json")
                .body("detail", allOf(containsString("policy '" + id + "'"), containsString("rule 'parity-check'"),
                        containsString("line 1, column 25")))
                .body("errors[0].field", equalTo("rules[1].expression"));
        reader().when().get("/api/v1/policies/" + id).then().statusCode(404);
    }

    @Test
    void rejectsAnUnknownFunctionInTheMatchGuard() {
        postPolicy("""
                id: %s
                scope: { level: global }
                type: custom
                enforcement: advisory
                match: frobnicate(request)
                rules:
                  - name: fine
                    expression: "true"
                    message: ok
                """.formatted(unique("guard")))
                .statusCode(422)
                .body("errors[0].field", equalTo("match"))
                .body("detail", containsString("frobnicate"));
    }

    @Test
    void rejectsARegionalPolicyLooseningAGlobalThresholdNamingBothPoliciesAndTheParameter() {
        String parameter = "max_score_" + unique("p").substring(2);
        String global = unique("global-threshold");
        String regional = unique("eu-threshold");
        postPolicy(thresholdPolicy(global, "{ level: global }", parameter, "0.10", "blocking")).statusCode(201);

        postPolicy(thresholdPolicy(regional, "{ level: regional, region: eu }", parameter, "0.25", "blocking"))
                .statusCode(409)
                .contentType("application/problem+json")
                .body("detail", allOf(containsString("'" + regional + "'"), containsString("'" + global + "'"),
                        containsString(parameter), containsString("0.25"), containsString("0.1")))
                .body("errors.field", hasItem("params." + parameter));

        // Tightening is what a lower scope may do, even as advisory.
        postPolicy(thresholdPolicy(regional, "{ level: regional, region: eu }", parameter, "0.05", "advisory"))
                .statusCode(201);
    }

    @Test
    void rejectsAnOrganizationPolicyLooseningItsRegionsThreshold() {
        String parameter = "max_score_" + unique("p").substring(2);
        String region = unique("r");
        String org = unique("tenant");
        createOrganization(org, region);
        String regional = unique("regional");
        postPolicy(thresholdPolicy(regional, "{ level: regional, region: " + region + " }", parameter, "0.2", "blocking"))
                .statusCode(201);

        postPolicy(thresholdPolicy(unique("own"), "{ level: organization, organization: " + org + " }", parameter, "0.3",
                "blocking"))
                .statusCode(409)
                .body("detail", allOf(containsString("'" + regional + "'"), containsString(parameter)));
        // Another organisation's region is not above it.
        String elsewhere = unique("elsewhere");
        createOrganization(elsewhere, unique("r"));
        postPolicy(thresholdPolicy(unique("own"), "{ level: organization, organization: " + elsewhere + " }", parameter,
                "0.3", "blocking")).statusCode(201);
    }

    @Test
    void rejectsMovingABlockingGlobalPolicyDownToARegion() {
        String parameter = "max_score_" + unique("p").substring(2);
        String id = unique("narrowed");
        postPolicy(thresholdPolicy(id, "{ level: global }", parameter, "0.1", "blocking")).statusCode(201);

        postPolicy(thresholdPolicy(id, "{ level: regional, region: eu }", parameter, "0.1", "blocking"))
                .statusCode(409)
                .body("detail", allOf(containsString("'" + id + "'"), containsString("global")));
    }

    @Test
    void comparesAVersionWithTheOneBefore() {
        String parameter = "max_score_" + unique("p").substring(2);
        String id = unique("diffed");
        postPolicy(thresholdPolicy(id, "{ level: global }", parameter, "0.1", "blocking")).statusCode(201);
        postPolicy(thresholdPolicy(id, "{ level: global }", parameter, "0.08", "blocking")).statusCode(201)
                .body("version", equalTo(2));

        reader().when().get("/api/v1/policies/" + id + "/versions/2/diff")
                .then().statusCode(200)
                .body("from_version", equalTo(1))
                .body("to_version", equalTo(2))
                .body("changes.size()", equalTo(1))
                .body("changes[0].path", equalTo("/params/" + parameter))
                .body("changes[0].kind", equalTo("changed"))
                .body("changes[0].before", equalTo(0.1f))
                .body("changes[0].after", equalTo(0.08f));
        reader().when().get("/api/v1/policies/" + id + "/versions/1/diff")
                .then().statusCode(200)
                .body("from_version", nullValue())
                .body("changes[0].kind", equalTo("added"));
        reader().when().get("/api/v1/policies/" + id + "/versions/3/diff").then().statusCode(404);
    }
}
