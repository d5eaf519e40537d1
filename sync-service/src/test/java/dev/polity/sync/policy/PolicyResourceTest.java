package dev.polity.sync.policy;

import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.Concurrently;
import dev.polity.sync.support.SigningKeysTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.polity.sync.support.TestData.YAML;
import static dev.polity.sync.support.TestData.policyYaml;
import static dev.polity.sync.support.TestData.postPolicy;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.TestData.utf8;
import static dev.polity.sync.support.Api.author;
import static dev.polity.sync.support.Api.reader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class PolicyResourceTest {

    private static final String GLOBAL = "{ level: global }";

    @Test
    void storesANewYamlPolicyAsVersionOne() {
        String id = unique("bias");
        String yaml = policyYaml(id, "{ level: regional, region: eu }", "0.10");

        String sha256 = postPolicy(yaml).statusCode(201)
                .header("Location", endsWith("/api/v1/policies/" + id))
                .body("id", equalTo(id))
                .body("version", equalTo(1))
                .body("document.version", equalTo(1))
                .body("document.scope.region", equalTo("eu"))
                .body("document.rules[1].messageExpression", equalTo(
                        "\"demographic_parity \" + string(request.model.fairness_metrics.demographic_parity)"))
                .extract().path("sha256");

        reader().when().get("/api/v1/policies/" + id)
                .then().statusCode(200).body("version", equalTo(1)).body("sha256", equalTo(sha256));
        reader().when().get("/api/v1/policies/" + id + "/versions/1")
                .then().statusCode(200).body("sha256", equalTo(sha256));
        reader().when().get("/api/v1/policies")
                .then().statusCode(200).body("id", hasItem(id));
    }

    @Test
    void storesChangedContentAsTheNextVersion() {
        String id = unique("bias");
        postPolicy(policyYaml(id, GLOBAL, "0.10")).statusCode(201).body("version", equalTo(1));

        postPolicy(policyYaml(id, GLOBAL, "0.15")).statusCode(201)
                .body("version", equalTo(2))
                .body("document.params.max_demographic_parity", equalTo(0.15f));

        reader().when().get("/api/v1/policies/" + id).then().statusCode(200).body("version", equalTo(2));
        reader().when().get("/api/v1/policies/" + id + "/versions/1")
                .then().statusCode(200).body("document.params.max_demographic_parity", equalTo(0.1f));
        reader().when().get("/api/v1/policies/" + id + "/versions/3").then().statusCode(404);
    }

    @Test
    void answersOkWithTheCurrentVersionForIdenticalContent() {
        String id = unique("same");
        String yaml = policyYaml(id, GLOBAL, "0.10");
        postPolicy(yaml).statusCode(201);
        postPolicy(policyYaml(id, GLOBAL, "0.20")).statusCode(201).body("version", equalTo(2));

        postPolicy(policyYaml(id, GLOBAL, "0.20")).statusCode(200).body("version", equalTo(2));

        // The same document as JSON, with a version the client made up: still identical content.
        String json = PolicyDocuments.toJson(PolicyDocuments.parse(policyYaml(id, GLOBAL, "0.2")))
                .replaceFirst("\\{", "{\"version\":7,");
        author().contentType(ContentType.JSON).body(json)
                .when().post("/api/v1/policies")
                .then().statusCode(200).body("version", equalTo(2));
    }

    @Test
    void storesOneVersionWhenIdenticalPostsRace() {
        String id = unique("race");
        String yaml = policyYaml(id, GLOBAL, "0.10");

        List<Response> responses = Concurrently.run(4, () -> author().contentType(YAML).body(utf8(yaml))
                .when().post("/api/v1/policies"));

        assertThat(responses).extracting(Response::statusCode).containsOnly(200, 201)
                .filteredOn(status -> status == 201).hasSize(1);
        assertThat(responses).extracting(r -> r.jsonPath().getInt("version")).containsOnly(1);
    }

    @Test
    void rejectsAnInvalidPolicyListingEveryViolation() {
        String yaml = """
                id: Not_Valid
                scope: { level: regional }
                enforcement: blocking
                rules:
                  - name: r1
                    expression: 'true'
                """;

        author().contentType(YAML).body(utf8(yaml))
                .when().post("/api/v1/policies")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("status", equalTo(400))
                .body("errors.field", hasItems("id", "type", "scope.region", "rules[0].message"));
    }

    @Test
    void rejectsAnUnknownFieldNamingIt() {
        String yaml = policyYaml(unique("typo"), GLOBAL, "0.1") + "enforcment: advisory\n";

        postPolicy(yaml).statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("enforcment"));
    }

    @Test
    void rejectsAScopeNamingAnUnknownOrganization() {
        String id = unique("orgpolicy");

        postPolicy(policyYaml(id, "{ level: organization, organization: " + unique("ghost") + " }", "0.1"))
                .statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("scope.organization"));

        reader().when().get("/api/v1/policies/" + id).then().statusCode(404);
    }

    @Test
    void acceptsTheOtherYamlMediaTypes() {
        author().contentType("text/yaml").body(utf8(policyYaml(unique("text"), GLOBAL, "0.1")))
                .when().post("/api/v1/policies").then().statusCode(201);
        author().contentType("application/x-yaml").body(utf8(policyYaml(unique("xyaml"), GLOBAL, "0.1")))
                .when().post("/api/v1/policies").then().statusCode(201);
    }
}
