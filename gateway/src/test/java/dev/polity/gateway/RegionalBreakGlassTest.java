package dev.polity.gateway;

import dev.polity.devstack.DevstackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * A regional gateway (polity.gateway.break-glass.manage=false, as the node chart configures it) applies grants but
 * neither gives nor ends them: its Kafka user may not write the grant topic, so it must not audit a grant or an end
 * it cannot store.
 */
@QuarkusTest
@TestProfile(RegionalBreakGlassTest.Regional.class)
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class RegionalBreakGlassTest {

    public static class Regional implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("polity.gateway.break-glass.manage", "false");
        }
    }

    private static final String ADMIN = GatewayTestResource.token("acme", "platform_admin");

    @Test
    void refusesToGiveOrEndGrantsAndNamesTheCentralGateway() {
        given().auth().oauth2(ADMIN).contentType(ContentType.JSON)
                .body("{\"user\": \"someone\", \"role\": \"auditor\", \"reason\": \"INC-4711 on-call auditor unreachable\", \"duration\": \"PT1H\"}")
                .post("/api/v1/break-glass/grants")
                .then().statusCode(409).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:break-glass-managed-centrally"))
                .body("detail", containsString("central gateway"));
        given().auth().oauth2(ADMIN).delete("/api/v1/break-glass/grants/any-id")
                .then().statusCode(409).contentType("application/problem+json");
    }

    @Test
    void stillListsTheGrantsThatApply() {
        given().auth().oauth2(ADMIN).get("/api/v1/break-glass/grants").then().statusCode(200);
    }
}
