package dev.polity.sync.security;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.polity.sync.support.Api.admin;
import static dev.polity.sync.support.Api.anonymous;
import static dev.polity.sync.support.Api.approver;
import static dev.polity.sync.support.Api.as;
import static dev.polity.sync.support.Api.author;
import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.YAML;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.organizationJson;
import static dev.polity.sync.support.TestData.policyYaml;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.TestData.utf8;

/** Every role gets an allowed and a forbidden request; without a token nothing but /q/* answers. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class SecurityTest {

    private static final String FEDERATION = """
            federation: { id: sync-test-federation, name: Sync test federation }
            organizations: []
            """;

    @Test
    void rejectsRequestsWithoutAToken() {
        for (String path : new String[] {"/api/v1/organizations", "/api/v1/policies", "/api/v1/bundles/keys",
                "/api/v1/policy-changes", "/api/v1/overrides", "/api/v1/federation/status"}) {
            anonymous().when().get(path).then().statusCode(401).contentType("application/problem+json");
        }
        anonymous().contentType(ContentType.JSON).body(organizationJson(unique("anon"), "startup", "eu", null))
                .when().post("/api/v1/organizations").then().statusCode(401);
    }

    @Test
    void letsAnyAuthenticatedCallerRead() {
        reader().when().get("/api/v1/organizations").then().statusCode(200);
        reader().when().get("/api/v1/policies").then().statusCode(200);
        reader().when().get("/api/v1/bundles/keys").then().statusCode(200);
        reader().when().get("/api/v1/federation/status").then().statusCode(200);
        as("auditor").when().get("/api/v1/policy-changes").then().statusCode(200);
        as("globex", "data_scientist").when().get("/api/v1/overrides").then().statusCode(200);
    }

    @Test
    void platformAdminManagesOrganizationsButCannotAuthorOrApprove() {
        admin().contentType(ContentType.JSON).body(organizationJson(unique("admin-ok"), "startup", "eu", null))
                .when().post("/api/v1/organizations").then().statusCode(201);
        admin().contentType(YAML).body(utf8(FEDERATION)).when().post("/api/v1/federation/import").then().statusCode(200);
        admin().contentType(YAML).body(utf8(policyYaml(unique("admin-no"), "{ level: global }", "0.1")))
                .when().post("/api/v1/policies").then().statusCode(403).contentType("application/problem+json");
        admin().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/policy-changes/" + UUID.randomUUID() + "/approve").then().statusCode(403);
    }

    @Test
    void policyAuthorAuthorsButCannotManageOrganizationsOrApprove() {
        author().contentType(YAML).body(utf8(policyYaml(unique("author-ok"), "{ level: global }", "0.1")))
                .when().post("/api/v1/policies").then().statusCode(201);
        author().contentType(ContentType.JSON).body(organizationJson(unique("author-no"), "startup", "eu", null))
                .when().post("/api/v1/organizations").then().statusCode(403);
        author().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/policy-changes/" + UUID.randomUUID() + "/approve").then().statusCode(403);
        author().contentType(YAML).body(utf8(FEDERATION)).when().post("/api/v1/federation/import").then().statusCode(403);
    }

    @Test
    void policyApproverDecidesButCannotAuthorOrManageOrganizations() {
        // Allowed: the role passes; an unknown change is then a 404, not a 403.
        approver().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/policy-changes/" + UUID.randomUUID() + "/reject").then().statusCode(404);
        approver().when().post("/api/v1/overrides/" + UUID.randomUUID() + "/approve").then().statusCode(404);
        approver().contentType(YAML).body(utf8(policyYaml(unique("approver-no"), "{ level: global }", "0.1")))
                .when().post("/api/v1/policies").then().statusCode(403);
        approver().contentType(ContentType.JSON).body(organizationJson(unique("approver-no"), "startup", "eu", null))
                .when().post("/api/v1/organizations").then().statusCode(403);
    }

    @Test
    void otherRolesOnlyRead() {
        String org = unique("roles");
        createOrganization(org, "eu");
        for (String role : new String[] {"data_scientist", "ml_engineer", "compliance_officer", "auditor", "none"}) {
            as(role).when().get("/api/v1/organizations/" + org).then().statusCode(200);
            as(role).contentType(YAML).body(utf8(policyYaml(unique("nope"), "{ level: global }", "0.1")))
                    .when().post("/api/v1/policies").then().statusCode(403);
            as(role).when().post("/api/v1/bundles/" + org).then().statusCode(403);
        }
    }
}
