package dev.polity.gateway;

import dev.polity.devstack.DevstackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static dev.polity.gateway.GatewayTestResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class GatewayResourceTest {

    private static String acmeScientist() {
        return token("acme", "data_scientist");
    }

    @Test
    void refusesRequestsWithoutAToken() {
        given().contentType(ContentType.JSON).body("{}").post("/api/v1/decisions").then().statusCode(401);
    }

    @Test
    void refusesATokenSignedByAnotherProvider() {
        String foreign = GatewayTestResource.foreignOidc.issueToken("intruder", Map.of("org_id", "acme", "roles", List.of("ml_engineer")),
                Duration.ofMinutes(5));
        given().auth().oauth2(foreign).get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    @Test
    void refusesAnExpiredToken() {
        String expired = GatewayTestResource.oidc.issueToken("late", Map.of("org_id", "acme", "roles", List.of("ml_engineer")),
                Duration.ofMinutes(-5));
        given().auth().oauth2(expired).get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    /**
     * A verified token is cached (polity.security.verified-token-cache): the second call with it is a cache hit,
     * its roles are still checked on every call, the cache lets go of it at its exp, and it stops working when
     * verification itself refuses it (exp plus quarkus.oidc.token.lifespan-grace, 10 s here).
     */
    @Test
    void aVerifiedTokenIsReusedUntilItsExpiryAndNoLonger() throws Exception {
        Instant issued = Instant.now();
        String shortLived = GatewayTestResource.oidc.issueToken("brief-" + System.nanoTime(),
                Map.of("org_id", "acme", "roles", List.of("business_analyst"), "team_id", "growth"), Duration.ofSeconds(2));
        Instant exp = Instant.ofEpochSecond(issued.plusSeconds(2).getEpochSecond());
        double hitsBefore = metric("polity_verified_token_cache_hits_total");
        given().auth().oauth2(shortLived).get("/api/v1/me").then().statusCode(200).body("organization", equalTo("acme"));
        given().auth().oauth2(shortLived).get("/api/v1/me").then().statusCode(200).body("organization", equalTo("acme"));
        assertThat(metric("polity_verified_token_cache_hits_total")).isGreaterThan(hitsBefore);
        // The cached identity is a business analyst: still no platform administration.
        given().auth().oauth2(shortLived).get("/api/v1/break-glass/grants").then().statusCode(403);
        given().auth().oauth2(shortLived).get("/api/v1/break-glass/grants").then().statusCode(403);

        sleepUntil(exp.plusMillis(300));
        double missesAfterExp = metric("polity_verified_token_cache_misses_total");
        given().auth().oauth2(shortLived).get("/api/v1/me").then().statusCode(200); // within the lifespan grace
        assertThat(metric("polity_verified_token_cache_misses_total")).as("verified in full again after exp").isGreaterThan(missesAfterExp);

        sleepUntil(exp.plusSeconds(11));
        given().auth().oauth2(shortLived).get("/api/v1/me").then().statusCode(401);
    }

    private static void sleepUntil(Instant moment) throws InterruptedException {
        long millis = Duration.between(Instant.now(), moment).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static double metric(String name) {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1))).sum();
    }

    @Test
    void refusesATamperedToken() {
        String[] parts = acmeScientist().split("\\.");
        String tampered = parts[0] + "." + parts[1].substring(0, parts[1].length() - 2) + "AA." + parts[2];
        given().auth().oauth2(tampered).get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    @Test
    void refusesAnUnsignedToken() {
        String[] parts = acmeScientist().split("\\.");
        String none = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes());
        given().auth().oauth2(none + "." + parts[1] + ".").get("/api/v1/models/acme/churn").then().statusCode(401);
    }

    @Test
    void sendsDecisionsToTheCallersNodeWithItsOrganizationAndTeam() {
        double servedBefore = metric("polity_gateway_decision_route_requests_total");
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON)
                .body("{\"model_id\": \"acme/churn\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(201)
                .header("X-Content-Type-Options", "nosniff")
                .body("uri", equalTo("/api/v1/decisions"))
                .body("authorization_forwarded", equalTo(true))
                .body("body.organization_id", equalTo("acme"))
                .body("body.team_id", equalTo("growth"));
        assertThat(metric("polity_gateway_decision_route_requests_total")).as("served by the plain Vert.x decision route")
                .isGreaterThan(servedBefore);
    }

    @Test
    void forwardsADecisionRequestThatNamesOrganizationAndTeamByteForByte() {
        String body = "{\"model_id\": \"acme/churn\",   \"organization_id\": \"acme\", \"team_id\": \"other-team\", \"model_metadata\": {\"a\": [1, {\"organization_id\": \"globex\"}]}}";
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body(body)
                .post("/api/v1/decisions")
                .then().statusCode(201)
                .body("body.team_id", equalTo("other-team"))
                .body("body.model_metadata.a[1].organization_id", equalTo("globex"));
    }

    @Test
    void refusesMalformedDecisionRequests() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body("{\"model_id\": ")
                .post("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("body"));
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body("[1, 2]")
                .post("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].problem", equalTo("must be a JSON object"));
    }

    @Test
    void refusesDecisionsToRolesThatMayNotAsk() {
        given().auth().oauth2(token("acme", "business_analyst")).contentType(ContentType.JSON)
                .body("{\"model_id\": \"acme/churn\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:role-missing"));
    }

    @Test
    void forbidsDecisionsForAnotherOrganization() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON)
                .body("{\"model_id\": \"globex/churn\", \"organization_id\": \"globex\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:tenant-mismatch"))
                .body("detail", containsString("'globex'"));
    }

    @Test
    void sendsDryRunsToTheCallersNode() {
        given().auth().oauth2(token("acme", "policy_author")).contentType(ContentType.JSON).body("{\"request\": {}}")
                .post("/api/v1/decisions/dry-run")
                .then().statusCode(201).body("uri", equalTo("/api/v1/decisions/dry-run"));
    }

    @Test
    void answersAClearProblemWhenTheNodeIsDown() {
        given().auth().oauth2(token("downco", "ml_engineer")).contentType(ContentType.JSON)
                .body("{\"model_id\": \"downco/x\", \"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", equalTo("30"))
                .body("detail", containsString("unavailable"));
    }

    @Test
    void answersAClearProblemForAnOrganizationWithoutANode() {
        given().auth().oauth2(token("nodeless", "ml_engineer")).contentType(ContentType.JSON)
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
    void forbidsChangingOrInspectingAnotherOrganizationsModels() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body("{\"version\": \"1.0.0\"}")
                .post("/api/v1/models/globex/churn/versions")
                .then().statusCode(403).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:tenant-mismatch"));
        given().auth().oauth2(acmeScientist()).get("/api/v1/models/globex/churn/versions/1.0.0/history").then().statusCode(403);
        given().auth().oauth2(token("acme", "ml_lead")).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/models/globex/churn/access-requests/r-1/approval").then().statusCode(403);
    }

    @Test
    void leavesReadsOfAnotherOrganizationsModelsToTheRegistrysVisibilityRules() {
        given().auth().oauth2(acmeScientist()).get("/api/v1/models/globex/churn/versions/1.0.0")
                .then().statusCode(200).body("uri", equalTo("/api/v1/models/globex/churn/versions/1.0.0"))
                .body("authorization_forwarded", equalTo(true));
    }

    @Test
    void letsAccessRequestsReachAnotherOrganizationsModel() {
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body("{\"purpose\": \"research\"}")
                .post("/api/v1/models/globex/churn/access-requests")
                .then().statusCode(201).body("uri", equalTo("/api/v1/models/globex/churn/access-requests"));
    }

    @Test
    void refusesDotAndEncodedSlashSegments() {
        given().urlEncodingEnabled(false).auth().oauth2(acmeScientist()).get("/api/v1/models/acme/x%2F..%2F..%2Fglobex/y")
                .then().statusCode(400).contentType("application/problem+json");
    }

    @Test
    void filtersAuditQueriesToTheCallersOrganization() {
        String auditor = token("acme", "auditor");
        given().auth().oauth2(auditor).queryParam("subject", "model/acme/churn").get("/api/v1/audit/events")
                .then().statusCode(200)
                .body("uri", equalTo("/api/v1/audit/events?organization=acme&subject=model%2Facme%2Fchurn"));
        given().auth().oauth2(auditor).queryParam("organization", "globex").get("/api/v1/audit/events")
                .then().statusCode(403);
        given().auth().oauth2(auditor).queryParam("organization", "acme").get("/api/v1/audit/events")
                .then().statusCode(200).body("uri", equalTo("/api/v1/audit/events?organization=acme"));
    }

    @Test
    void letsTheCentralOrganizationsAuditorsAskForTheWholeLog() {
        String auditor = token("hq", "auditor");
        given().auth().oauth2(auditor).get("/api/v1/audit/events").then().statusCode(200).body("uri", equalTo("/api/v1/audit/events"));
        given().auth().oauth2(auditor).queryParam("organization", "globex").get("/api/v1/audit/events")
                .then().statusCode(200).body("uri", equalTo("/api/v1/audit/events?organization=globex"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/7").then().statusCode(200).body("organization", equalTo("globex"));
    }

    @Test
    void showsASingleAuditEventOnlyToItsOrganization() {
        String auditor = token("acme", "auditor");
        given().auth().oauth2(auditor).get("/api/v1/audit/events/8").then().statusCode(200).body("organization", equalTo("acme"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/8/data").then().statusCode(200)
                .body("path", equalTo("/api/v1/audit/events/8/data"));
        given().auth().oauth2(auditor).get("/api/v1/audit/events/7").then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(auditor).get("/api/v1/audit/events/7/data").then().statusCode(404);
    }

    @Test
    void cutsPolicyListsToGlobalAndOwnForOrganizations() {
        given().auth().oauth2(token("acme", "policy_author")).get("/api/v1/policies")
                .then().statusCode(200).body("id", equalTo(List.of("pii", "acme-only")));
        given().auth().oauth2(token("acme", "policy_author")).get("/api/v1/policies/globex-only").then().statusCode(404);
        given().auth().oauth2(token("acme", "policy_author")).get("/api/v1/policies/acme-only").then().statusCode(200);
        given().auth().oauth2(token("hq", "policy_author")).get("/api/v1/policies").then().statusCode(200).body("$", hasSize(3));
    }

    @Test
    void letsOrganizationsAuthorOnlyTheirOwnPolicies() {
        String own = """
                {"id": "acme-bias", "scope": {"level": "organization", "organization": "acme"}, "type": "bias",
                 "enforcement": "blocking", "rules": [{"name": "tested", "expression": "true", "message": "m"}]}""";
        String global = own.replace("\"level\": \"organization\", \"organization\": \"acme\"", "\"level\": \"global\"");
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body(own).post("/api/v1/policies")
                .then().statusCode(403).body("type", equalTo("urn:polity:problem:role-missing"));
        given().auth().oauth2(token("acme", "policy_author")).contentType(ContentType.JSON).body(own).post("/api/v1/policies")
                .then().statusCode(201);
        given().auth().oauth2(token("acme", "policy_author")).contentType(ContentType.JSON).body(global).post("/api/v1/policies")
                .then().statusCode(403).body("type", equalTo("urn:polity:problem:tenant-mismatch"));
        given().auth().oauth2(token("globex", "policy_author")).contentType(ContentType.JSON).body(own).post("/api/v1/policies")
                .then().statusCode(403);
        given().auth().oauth2(token("hq", "policy_author")).contentType(ContentType.JSON).body(global).post("/api/v1/policies")
                .then().statusCode(201);
    }

    @Test
    void letsApproversDecideOnlyOnTheirOwnOrganizationsOverrides() {
        given().auth().oauth2(token("acme", "policy_approver")).post("/api/v1/overrides/acme-1/approve").then().statusCode(201);
        given().auth().oauth2(token("acme", "policy_approver")).post("/api/v1/overrides/globex-1/approve").then().statusCode(403);
        given().auth().oauth2(token("hq", "policy_approver")).post("/api/v1/overrides/globex-1/approve").then().statusCode(201);
    }

    @Test
    void letsOnlyTheCentralOrganizationsAdminsChangeOtherMembers() {
        given().auth().oauth2(token("acme", "platform_admin")).contentType(ContentType.JSON).body("{}")
                .put("/api/v1/organizations/acme").then().statusCode(200);
        given().auth().oauth2(token("acme", "platform_admin")).contentType(ContentType.JSON).body("{}")
                .put("/api/v1/organizations/globex").then().statusCode(403);
        given().auth().oauth2(token("acme", "platform_admin")).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/organizations").then().statusCode(403);
        given().auth().oauth2(token("hq", "platform_admin")).contentType(ContentType.JSON).body("{}")
                .put("/api/v1/organizations/globex").then().statusCode(200);
        given().auth().oauth2(token("hq", "platform_admin")).contentType(ContentType.JSON).body("{}")
                .post("/api/v1/organizations").then().statusCode(201);
    }

    @Test
    void answersUnknownPathsAndMethodsWithAProblem() {
        given().auth().oauth2(acmeScientist()).get("/api/v1/nothing-here").then().statusCode(404).contentType("application/problem+json");
        given().auth().oauth2(acmeScientist()).delete("/api/v1/audit/events").then().statusCode(405).contentType("application/problem+json");
    }

    @Test
    void tellsTheCallerWhatItsTokenSays() {
        given().auth().oauth2(acmeScientist()).get("/api/v1/me").then().statusCode(200)
                .body("subject", equalTo("acme-data_scientist"))
                .body("client", equalTo("client-acme-data_scientist"))
                .body("organization", equalTo("acme"))
                .body("team", equalTo("growth"))
                .body("roles", equalTo(List.of("data_scientist")))
                .body("central", equalTo(false))
                .body("quota.hour_limit", equalTo(20000));
    }

    @Test
    void refusesATokenWithoutAnOrganization() {
        String orgless = GatewayTestResource.oidc.issueToken("nobody", Map.of("roles", List.of("ml_engineer")), Duration.ofMinutes(5));
        given().auth().oauth2(orgless).get("/api/v1/me").then().statusCode(403).body("detail", containsString("org_id"));
    }

    @Test
    void setsSecurityHeadersAndLimitsBodies() {
        given().get("/q/health/ready").then().statusCode(200);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/api/v1/pipelines/deployments"));
        given().auth().oauth2(acmeScientist()).get("/api/v1/models/acme/churn").then()
                .header("X-Content-Type-Options", "nosniff")
                .header("X-Frame-Options", "DENY")
                .header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
                .header("Cache-Control", "no-store")
                .header("Access-Control-Allow-Origin", nullValue());
        byte[] tooBig = new byte[1024 * 1024 + 1];
        given().auth().oauth2(acmeScientist()).contentType(ContentType.JSON).body(tooBig).post("/api/v1/models/acme/churn/versions")
                .then().statusCode(413);
    }

    @Test
    void ignoresCrossOriginPreflights() {
        given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                .options("/api/v1/me").then().header("Access-Control-Allow-Origin", nullValue());
    }
}
