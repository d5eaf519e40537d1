package dev.polity.gateway;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
class GatewayResourceTest {

    private static String token(String organization, List<String> roles) {
        return GatewayTestResource.oidc.issueToken("pipeline-" + organization,
                Map.of("org_id", organization, "roles", roles, "team_id", "growth"), Duration.ofMinutes(5));
    }

    private static String acmeScientist() {
        return token("acme", List.of("data_scientist"));
    }

    @Test
    void refusesRequestsWithoutAToken() {
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/decisions").then().statusCode(401);
    }

    @Test
    void refusesATokenSignedByAnotherProvider() {
        String foreign = GatewayTestResource.foreignOidc.issueToken("intruder", Map.of("org_id", "acme"), Duration.ofMinutes(5));
        given().auth().oauth2(foreign).get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    @Test
    void refusesAnExpiredToken() {
        String expired = GatewayTestResource.oidc.issueToken("late", Map.of("org_id", "acme"), Duration.ofMinutes(-5));
        given().auth().oauth2(expired).get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    @Test
    void refusesATamperedToken() {
        String[] parts = acmeScientist().split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        given().auth().oauth2(tampered).get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    @Test
    void sendsDecisionsToTheCallersNodeWithItsOrganizationAndTeam() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON)
                .body("{\"model_id\": \"acme/churn\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(201)
                .body("uri", equalTo("/api/v1/decisions"))
                .body("authorization_forwarded", equalTo(true))
                .body("body.organization_id", equalTo("acme"))
                .body("body.team_id", equalTo("growth"));
    }

    @Test
    void forbidsDecisionsForAnotherOrganization() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON)
                .body("{\"model_id\": \"globex/churn\", \"organization_id\": \"globex\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("'globex'"));
    }

    @Test
    void answersAClearProblemWhenTheNodeIsDown() {
        given().auth().oauth2(token("downco", List.of("ml_engineer"))).contentType(ContentType.JSON)
                .body("{\"model_id\": \"downco/x\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(503).contentType("application/problem+json")
                .body("detail", containsString("unavailable"));
    }

    @Test
    void answersAClearProblemForAnOrganizationWithoutANode() {
        given().auth().oauth2(token("nodeless", List.of("ml_engineer"))).contentType(ContentType.JSON)
                .body("{\"model_id\": \"x\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(503).body("detail", containsString("no policy node is configured for organization 'nodeless'"));
    }

    @Test
    void routesOwnModelsToTheRegistryAndRewritesLocation() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body("{\"version\": \"1.0.0\"}")
                .post("/api/v1/models/acme/churn/versions")
                .then().statusCode(201)
                .header("Location", "/api/v1/echoed")
                .header("X-Internal-Secret", nullValue())
                .body("uri", equalTo("/api/v1/models/acme/churn/versions"))
                .body("body.version", equalTo("1.0.0"));
    }

    @Test
    void forbidsAnotherOrganizationsModels() {
        given().auth().oauth2(acmeScientist()).get("/api/v1/models/globex/churn/versions")
                .then().statusCode(403).contentType("application/problem+json");
    }

    @Test
    void filtersAuditQueriesToTheCallersOrganization() {
        given().auth().oauth2(acmeScientist()).queryParam("subject", "model/acme/churn").get("/api/v1/audit/events")
                .then().statusCode(200)
                .body("uri", equalTo("/api/v1/audit/events?organization=acme&subject=model%2Facme%2Fchurn"));
        given().auth().oauth2(acmeScientist()).queryParam("organization", "globex").get("/api/v1/audit/events")
                .then().statusCode(403);
    }

    @Test
    void letsOnlyPolicyAuthorsAndAdminsChangeCentralState() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body("{\"id\": \"x\"}")
                .post("/api/v1/policies").then().statusCode(403);
        given().auth().oauth2(token("acme", List.of("policy_author"))).contentType(ContentType.JSON).body("{\"id\": \"x\"}")
                .post("/api/v1/policies").then().statusCode(201);
        given().auth().oauth2(acmeScientist()).get("/api/v1/policies").then().statusCode(200);
    }

    @Test
    void answersUnknownPathsWithAProblem() {
        given().auth().oauth2(acmeScientist()).get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void setsSecurityHeadersAndExposesHealthMetricsOpenApi() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/decisions"));
        given().auth().oauth2(acmeScientist()).get("/api/v1/models/acme/churn").then().header("X-Content-Type-Options", "nosniff");
    }
}
