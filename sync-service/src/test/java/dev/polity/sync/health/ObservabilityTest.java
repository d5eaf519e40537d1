package dev.polity.sync.health;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static dev.polity.sync.support.Api.reader;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class ObservabilityTest {

    @Test
    void reportsReadyWhenTheDatabaseAnswers() {
        given().when().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("sync-database"));
    }

    @Test
    void exposesPrometheusMetrics() {
        reader().when().get("/api/v1/bundles/keys").then().statusCode(200);

        given().when().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("polity_bundles_published_total"))
                .body(containsString("http_server_requests"));
    }

    @Test
    void describesEveryEndpointInOpenApi() {
        given().queryParam("format", "json").when().get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/v1/organizations/{id}"))
                .body(containsString("/api/v1/policies/{id}/versions/{version}"))
                .body(containsString("/api/v1/bundles/{org}/manifest"))
                .body(containsString("/api/v1/bundles/keys"));
    }
}
