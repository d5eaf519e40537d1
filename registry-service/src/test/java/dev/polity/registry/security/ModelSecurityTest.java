package dev.polity.registry.security;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static dev.polity.registry.testing.Api.as;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

/** Who may call what on models, role by role: every role has an allowed or a forbidden case for each operation. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ModelSecurityTest {

    private static final String VERSIONS = "/api/v1/models/{org}/{name}/versions";
    private String privateModel;

    private boolean prepared;

    /** Once per class, before the first test (RestAssured knows the port only from the first test on). */
    @BeforeEach
    void prepareOnce() {
        if (!prepared) {
            registerAPrivateModel();
            prepared = true;
        }
    }

    void registerAPrivateModel() {
        privateModel = Api.uniqueName("secured");
        Api.register("acme", privateModel, "1.0.0", null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data_scientist", "ml_engineer"})
    void letsModelBuildersRegisterInTheirOwnOrganization(String role) {
        as("acme", role).body(Api.body("1.0.0")).post(VERSIONS, "acme", Api.uniqueName(role.replace('_', '-')))
                .then().statusCode(201).body("registered_by", equalTo(Api.subject("acme", role)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"data_engineer", "business_analyst", "compliance_officer", "auditor", "policy_author",
            "policy_approver", "platform_admin", "ml_lead", "product_owner", "security_reviewer", "stakeholder", "none"})
    void forbidsEveryOtherRoleToRegister(String role) {
        as("acme", role).body(Api.body("1.0.0")).post(VERSIONS, "acme", Api.uniqueName("forbidden"))
                .then().statusCode(403).contentType(Api.PROBLEM).body("status", equalTo(403));
    }

    @Test
    void forbidsRegisteringForAnotherOrganization() {
        as("globex", "ml_engineer").body(Api.body("1.0.0")).post(VERSIONS, "acme", Api.uniqueName("foreign"))
                .then().statusCode(403).contentType(Api.PROBLEM)
                .body("detail", equalTo("organization 'globex' cannot change models of 'acme'"));
    }

    @Test
    void refusesRequestsWithoutAValidToken() {
        RestAssured.given().contentType(ContentType.JSON).body(Api.body("1.0.0"))
                .post(VERSIONS, "acme", Api.uniqueName("anonymous")).then().statusCode(401);
        RestAssured.given().get("/api/v1/models/acme/{name}", privateModel).then().statusCode(401);
        RestAssured.given().auth().oauth2("not.a.token").get("/api/v1/models").then().statusCode(401);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data_scientist", "ml_engineer", "compliance_officer", "security_reviewer", "stakeholder",
            "ml_lead", "product_owner"})
    void letsModelRolesReadTheirOrganizationsModels(String role) {
        as("acme", role).get("/api/v1/models/acme/{name}", privateModel).then().statusCode(200)
                .body("access_level", equalTo("private"));
        as("acme", role).get(VERSIONS + "/1.0.0", "acme", privateModel).then().statusCode(200);
        as("acme", role).get(VERSIONS + "/1.0.0/history", "acme", privateModel).then().statusCode(200);
        as("acme", role).get("/api/v1/models").then().statusCode(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data_engineer", "business_analyst", "auditor", "policy_author", "policy_approver",
            "platform_admin", "none"})
    void forbidsRolesWithoutModelAccessToRead(String role) {
        as("acme", role).get("/api/v1/models/acme/{name}", privateModel).then().statusCode(403).contentType(Api.PROBLEM);
        as("acme", role).get(VERSIONS, "acme", privateModel).then().statusCode(403);
        as("acme", role).get(VERSIONS + "/1.0.0/card", "acme", privateModel).then().statusCode(403);
    }

    @Test
    void letsABusinessAnalystSearchTheCatalogueButNotOthersWithoutModelAccess() {
        as("acme", "business_analyst").get("/api/v1/models").then().statusCode(200);
        for (String role : java.util.List.of("data_engineer", "auditor", "policy_author", "policy_approver", "platform_admin", "none")) {
            as("acme", role).get("/api/v1/models").then().statusCode(403);
        }
    }

    @Test
    void hidesAPrivateModelFromOtherOrganizationsAsIfItDidNotExist() {
        as("globex", "data_scientist").get("/api/v1/models/acme/{name}", privateModel).then().statusCode(404)
                .contentType(Api.PROBLEM);
        as("globex", "data_scientist").get(VERSIONS + "/1.0.0", "acme", privateModel).then().statusCode(404);
        as("globex", "ml_engineer").get(VERSIONS, "acme", privateModel).then().statusCode(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"data_scientist", "ml_engineer"})
    void letsModelBuildersChangeTheirModelsFacts(String role) {
        String name = Api.uniqueName("facts");
        Api.register("acme", name, "1.0.0", null);
        as("acme", role).body(Map.of("description", "Churn", "tags", java.util.List.of("churn", "retail"), "access_level", "public",
                        "research_use_approved", true))
                .patch("/api/v1/models/acme/{name}", name).then().statusCode(200)
                .body("access_level", equalTo("public"))
                .body("tags", contains("churn", "retail"))
                .body("research_use_approved", equalTo(true))
                .body("updated_by", equalTo(Api.subject("acme", role)));
        as("globex", "data_scientist").get("/api/v1/models/acme/{name}", name).then().statusCode(200)
                .body("description", equalTo("Churn"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ml_lead", "compliance_officer", "platform_admin"})
    void forbidsOtherRolesToChangeModels(String role) {
        as("acme", role).body(Map.of("access_level", "public")).patch("/api/v1/models/acme/{name}", privateModel)
                .then().statusCode(403);
    }

    @Test
    void rejectsAnUnknownAccessLevelAndBadTagsNamingTheFields() {
        as("acme", "ml_engineer").body(Map.of("access_level", "everyone", "tags", java.util.List.of("Bad Tag")))
                .patch("/api/v1/models/acme/{name}", privateModel).then().statusCode(400)
                .body("errors.field", contains("access_level", "tags[0]"));
        as("globex", "ml_engineer").body(Map.of("access_level", "public")).patch("/api/v1/models/acme/{name}", privateModel)
                .then().statusCode(403);
    }
}
