package dev.polity.registry.health;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
class ObservabilityTest {

    @Test
    void isReadyWhenDatabaseAndKafkaAnswer() {
        given().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("registry-database"));
    }

    @Test
    void exposesPrometheusMetrics() {
        given().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("# TYPE"))
                .body(containsString("polity_registry_outbox_relayed_total"));
    }

    @Test
    void describesTheRegistrationEndpointInOpenApi() {
        given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/v1/models/{org}/{name}/versions"))
                .body(containsString("Register a model version"))
                .body(containsString("\"artifact_sha256\""));
    }
}
