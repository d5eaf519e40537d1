package dev.polity.gateway;

import dev.polity.devstack.DevstackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static dev.polity.gateway.GatewayTestResource.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Timeouts, retries of idempotent calls only, a circuit breaker per service (test settings: 1 s timeout, window 10). */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class ResilienceTest {

    private static String model(String kind) {
        return kind + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void retriesAReadThatFailedWithServiceUnavailable() {
        String path = "/api/v1/models/acme/" + model("flaky");
        given().auth().oauth2(token("acme", "data_scientist")).get(path).then().statusCode(200);
        assertThat(GatewayTestResource.calls("GET " + path)).isEqualTo(2);
    }

    @Test
    void neverRetriesACreate() {
        String path = "/api/v1/models/acme/" + model("flaky") + "/versions";
        given().auth().oauth2(token("acme", "data_scientist")).contentType(ContentType.JSON).body("{\"version\": \"1.0.0\"}")
                .post(path).then().statusCode(503).body("detail", equalTo("warming up"));
        assertThat(GatewayTestResource.calls("POST " + path)).isEqualTo(1);
    }

    @Test
    void answers504WhenAServiceDoesNotAnswerInTime() {
        long start = System.nanoTime();
        given().auth().oauth2(token("acme", "data_scientist")).contentType(ContentType.JSON).body("{\"version\": \"1.0.0\"}")
                .post("/api/v1/models/acme/" + model("slow") + "/versions")
                .then().statusCode(504).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:upstream-timeout"));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2900);
    }

    @Test
    void relaysTheProblemOfANodeThatAnswered503AndNeverRetriesTheDecision() {
        given().auth().oauth2(token("flakyco", "ml_engineer")).contentType(ContentType.JSON).body("{\"model_metadata\": {}}")
                .post("/api/v1/decisions").then().statusCode(503).body("detail", equalTo("warming up"));
        assertThat(GatewayTestResource.calls("POST /flaky-node/api/v1/decisions")).isEqualTo(1);
        given().auth().oauth2(token("flakyco", "ml_engineer")).contentType(ContentType.JSON).body("{\"model_metadata\": {}}")
                .post("/api/v1/decisions").then().statusCode(201);
    }

    @Test
    void relaysLargeDecisionsWhole() {
        // The relay reads an answer with a Content-Length into an array of that size, a chunked one as it comes.
        for (String organization : new String[]{"largeco", "chunkedco"}) {
            String answer = given().auth().oauth2(token(organization, "ml_engineer")).contentType(ContentType.JSON)
                    .body("{\"model_metadata\": {}}").post("/api/v1/decisions")
                    .then().statusCode(200).contentType("application/json").extract().asString();
            assertThat(answer).as(organization).isEqualTo(GatewayTestResource.largeAnswerBody());
        }
    }

    @Test
    void answers504WhenAPolicyNodeDoesNotDecideInTime() {
        long start = System.nanoTime();
        given().auth().oauth2(token("slowco", "ml_engineer")).contentType(ContentType.JSON).body("{\"model_metadata\": {}}")
                .post("/api/v1/decisions")
                .then().statusCode(504).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:upstream-timeout"))
                .body("detail", containsString("policy node of slowco"));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2900);
    }

    @Test
    void opensTheCircuitOfAFailingServiceAndAnswersAtOnce() {
        String token = token("brokenco", "ml_engineer");
        for (int i = 0; i < 10; i++) {
            given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"model_metadata\": {}}").post("/api/v1/decisions")
                    .then().statusCode(503);
        }
        given().auth().oauth2(token).contentType(ContentType.JSON).body("{\"model_metadata\": {}}").post("/api/v1/decisions")
                .then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", equalTo("30"))
                .body("detail", containsString("circuit open"));
        // Other services keep their own circuits.
        given().auth().oauth2(token("acme", "ml_engineer")).contentType(ContentType.JSON).body("{\"model_metadata\": {}}")
                .post("/api/v1/decisions").then().statusCode(201);
        given().get("/q/health/ready").then().statusCode(200).body(containsString("open"));
    }
}
