package dev.polity.gateway;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.gateway.security.PermissionTable;
import dev.polity.gateway.security.Roles;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import java.util.stream.Stream;

import static dev.polity.gateway.GatewayTestResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** Every role gets a request it may make and one it may not, against the gateway's permission table. */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class PermissionTableTest {

    /** role, allowed request, forbidden request ("METHOD path"). */
    static Stream<Arguments> roles() {
        return Stream.of(
                Arguments.of(Roles.DATA_SCIENTIST, "POST /api/v1/models/acme/churn/versions", "GET /api/v1/audit/events"),
                Arguments.of(Roles.ML_ENGINEER, "POST /api/v1/decisions", "POST /api/v1/policies"),
                Arguments.of(Roles.DATA_ENGINEER, "GET /api/v1/organizations", "GET /api/v1/models/acme/churn"),
                Arguments.of(Roles.BUSINESS_ANALYST, "GET /api/v1/models", "GET /api/v1/models/acme/churn"),
                Arguments.of(Roles.COMPLIANCE_OFFICER, "GET /api/v1/organizations/acme/compliance-status", "GET /api/v1/audit/verify"),
                Arguments.of(Roles.AUDITOR, "GET /api/v1/audit/verify", "POST /api/v1/decisions"),
                Arguments.of(Roles.POLICY_AUTHOR, "POST /api/v1/decisions/dry-run", "POST /api/v1/policy-changes/acme-1/approve"),
                Arguments.of(Roles.POLICY_APPROVER, "GET /api/v1/policy-changes", "POST /api/v1/policies"),
                Arguments.of(Roles.PLATFORM_ADMIN, "GET /api/v1/break-glass/grants", "GET /api/v1/models/acme/churn"),
                Arguments.of(Roles.ML_LEAD, "GET /api/v1/models/acme/churn", "POST /api/v1/models/acme/churn/versions"),
                Arguments.of(Roles.PRODUCT_OWNER, "GET /api/v1/models/acme/churn/versions", "DELETE /api/v1/models/acme/churn"),
                Arguments.of(Roles.SECURITY_REVIEWER, "POST /api/v1/models/acme/churn/versions/1.0.0/transitions/t-1/sign-offs",
                        "GET /api/v1/audit/events"),
                Arguments.of(Roles.STAKEHOLDER, "POST /api/v1/models/acme/churn/versions/1.0.0/transitions/t-1/sign-offs",
                        "POST /api/v1/decisions"));
    }

    private static Response send(String role, String request) {
        String[] parts = request.split(" ", 2);
        return given().auth().oauth2(token("acme", role)).contentType(ContentType.JSON).body("{}").request(parts[0], parts[1]);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("roles")
    void everyRoleHasAnAllowedAndAForbiddenRequest(String role, String allowed, String forbidden) {
        Response yes = send(role, allowed);
        assertThat(yes.statusCode()).as(role + " " + allowed + ": " + yes.asString()).isBetween(200, 299);
        Response no = send(role, forbidden);
        assertThat(no.statusCode()).as(role + " " + forbidden).isEqualTo(403);
        assertThat(no.jsonPath().getString("type")).isEqualTo("urn:polity:problem:role-missing");
    }

    @Test
    void everyRoleOfTheTableIsTested() {
        assertThat(roles().map(arguments -> arguments.get()[0])).containsExactlyInAnyOrderElementsOf(Roles.ALL);
    }

    @Test
    void aTokenWithoutRolesReachesOnlyTheDirectory() {
        String none = GatewayTestResource.token("acme-nobody", "acme", java.util.List.of());
        given().auth().oauth2(none).get("/api/v1/organizations").then().statusCode(200);
        given().auth().oauth2(none).get("/api/v1/me").then().statusCode(200);
        given().auth().oauth2(none).get("/api/v1/models/acme/churn").then().statusCode(403);
        given().auth().oauth2(none).contentType(ContentType.JSON).body("{}").post("/api/v1/decisions").then().statusCode(403);
    }

    @Test
    void theRootReadmePrintsThePermissionTable() throws Exception {
        Path readme = Path.of("..", "README.md");
        Path expected = Path.of("target", "permission-table.md");
        Files.writeString(expected, PermissionTable.markdown());
        assertThat(Files.readString(readme)).as("the table in the root README.md (section Security) must be " + expected.toAbsolutePath())
                .contains(PermissionTable.markdown());
    }

}
