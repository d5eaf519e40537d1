package dev.polity.audit.health;

import dev.polity.audit.SigningKeysTestResource;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static dev.polity.audit.AuditApi.asAuditor;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class ObservabilityTest {

    @Test
    void isReadyWhenTheLogAndKafkaAnswer() {
        asAuditor().get("/q/health/ready")
                .then().statusCode(200)
                .body("status", equalTo("UP"))
                .body("checks.name", hasItem("audit-log"));
    }

    @Test
    void exposesPrometheusMetricsIncludingRejections() {
        asAuditor().get("/q/metrics")
                .then().statusCode(200)
                .body(containsString("# TYPE"))
                .body(containsString("polity_audit_events_rejected_total"));
    }

    @Test
    void describesTheQueryEndpointInOpenApi() {
        asAuditor().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200)
                .body(containsString("/api/v1/audit/events"))
                .body(containsString("Query the audit log"))
                .body(containsString("\"next_after\""));
    }
}
