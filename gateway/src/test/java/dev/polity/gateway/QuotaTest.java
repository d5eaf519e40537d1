package dev.polity.gateway;

import dev.polity.devstack.DevstackTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/** Per-client quotas (test settings: clients quota-hour and quota-shared 3 per hour, quota-day 2 per day). */
@QuarkusTest
@QuarkusTestResource(GatewayTestResource.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
class QuotaTest {

    private static String tokenOfClient(String client, String user) {
        return GatewayTestResource.oidc.issueToken(user, Map.of("org_id", "acme", "roles", List.of("data_scientist"), "azp", client),
                Duration.ofMinutes(5));
    }

    @Test
    void refusesTheRequestOverTheHourlyQuotaWithRetryAfter() {
        String token = tokenOfClient("quota-hour", "pipeline");
        for (int i = 0; i < 3; i++) {
            given().auth().oauth2(token).get("/api/v1/models/acme/churn").then().statusCode(200);
        }
        Response refused = given().auth().oauth2(token).get("/api/v1/models/acme/churn");
        refused.then().statusCode(429).contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:quota-exceeded"))
                .body("detail", containsString("3 requests per hour"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertThat(retryAfter).isBetween(1L, 3600L);
    }

    @Test
    void refusesTheRequestOverTheDailyQuotaUntilTheDayEnds() {
        String token = tokenOfClient("quota-day", "nightly");
        given().auth().oauth2(token).get("/api/v1/me").then().statusCode(200).body("quota.day_limit", equalTo(2));
        given().auth().oauth2(token).get("/api/v1/models/acme/churn").then().statusCode(200);
        Response refused = given().auth().oauth2(token).get("/api/v1/models/acme/churn");
        refused.then().statusCode(429).body("detail", containsString("2 requests per day"));
        assertThat(Long.parseLong(refused.header("Retry-After"))).isBetween(1L, 86400L);
    }

    @Test
    void countsPerClientNotPerUser() {
        // Two users of the same client share its quota; another client is not affected.
        String client = "quota-shared";
        String other = tokenOfClient("someone-else", "pipeline");
        for (int i = 0; i < 5; i++) {
            given().auth().oauth2(tokenOfClient(client, "user-" + i)).get("/api/v1/models/acme/churn");
        }
        given().auth().oauth2(tokenOfClient(client, "user-9")).get("/api/v1/models/acme/churn").then().statusCode(429);
        given().auth().oauth2(other).get("/api/v1/models/acme/churn").then().statusCode(200);
    }

    @Test
    void neverLimitsHealthAndAnonymousRequests() {
        for (int i = 0; i < 5; i++) {
            given().get("/q/health/live").then().statusCode(200);
        }
        given().get("/api/v1/me").then().statusCode(401);
    }
}
