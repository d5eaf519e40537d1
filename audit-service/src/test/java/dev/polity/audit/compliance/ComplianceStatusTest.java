package dev.polity.audit.compliance;

import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.EventTypes;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

import static dev.polity.audit.AuditApi.as;
import static dev.polity.audit.AuditApi.asAuditor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class ComplianceStatusTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void computesTheStatusFromTheLog() {
        String org = AuditKafka.unique("status");
        send(org, EventTypes.BUNDLE_PUBLISHED, "bundle/" + org, Instant.now(), "{\"organization_id\":\"" + org
                + "\",\"revision\":3,\"digest\":\"d3\",\"key_id\":\"k\",\"policies\":[{\"id\":\"bias-threshold\",\"version\":2,"
                + "\"sha256\":\"" + "c".repeat(64) + "\"}]}");
        send(org, EventTypes.BUNDLE_ACTIVATED, "bundle/" + org, Instant.now(),
                "{\"node_id\":\"node-1\",\"organization_id\":\"" + org + "\",\"revision\":3}");
        Instant recent = Instant.now().minus(1, ChronoUnit.DAYS);
        // Model a: approved, then denied (open violation). Model b: denied, then approved; then conditional.
        send(org, EventTypes.DECISION_MADE, "model/" + org + "/a", recent, decision("approved"));
        send(org, EventTypes.DECISION_MADE, "model/" + org + "/a", recent, decision("denied"));
        send(org, EventTypes.DECISION_MADE, "model/" + org + "/b", recent, decision("denied"));
        send(org, EventTypes.DECISION_MADE, "model/" + org + "/b", recent, decision("approved"));
        send(org, EventTypes.DECISION_MADE, "model/" + org + "/b", recent, decision("conditional"));
        // Outside the 30-day window: counts for violations (latest per model) but not for the window.
        send(org, EventTypes.DECISION_MADE, "model/" + org + "/c", Instant.now().minus(90, ChronoUnit.DAYS), decision("approved"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAuditor().queryParam("organization", org)
                .get("/api/v1/audit/events").then().statusCode(200).body("items", hasSize(8)));

        JsonPath status = as("initech", "compliance_officer").get("/api/v1/organizations/{org}/compliance-status", org)
                .then().statusCode(200).extract().jsonPath();
        assertThat(status.getString("organization")).isEqualTo(org);
        assertThat(status.getLong("bundle.active_revision")).isEqualTo(3);
        assertThat(status.getLong("bundle.latest_published_revision")).isEqualTo(3);
        assertThat(status.getString("bundle.node_id")).isEqualTo("node-1");
        assertThat(status.getList("bundle.active_policies.id")).containsExactly("bias-threshold");
        assertThat(status.getLong("decisions.total")).isEqualTo(5);
        assertThat(status.getLong("decisions.approved")).isEqualTo(2);
        assertThat(status.getLong("decisions.conditional")).isEqualTo(1);
        assertThat(status.getLong("decisions.denied")).isEqualTo(2);
        assertThat(status.getLong("open_violations.count")).isEqualTo(1);
        assertThat(status.getLong("open_violations.models_decided")).isEqualTo(3);
        assertThat(status.getString("open_violations.items[0].subject")).isEqualTo("model/" + org + "/a");

        double decisions = (2 + 0.5) / 5;
        double violations = 1 - 1.0 / 3;
        assertThat(status.getDouble("components.decisions")).isCloseTo(decisions, offset(1e-6));
        assertThat(status.getDouble("components.violations")).isCloseTo(violations, offset(1e-6));
        assertThat(status.getDouble("components.bundle")).isEqualTo(1.0);
        double integrity = status.getDouble("components.integrity");
        assertThat(status.getInt("score"))
                .isEqualTo((int) Math.round(100 * (0.4 * decisions + 0.3 * violations + 0.15 * 1.0 + 0.15 * integrity)));
    }

    @Test
    void letsCallersAskOnlyForTheirOwnOrganisation() {
        as("acme", "compliance_officer").get("/api/v1/organizations/acme/compliance-status").then().statusCode(200);
        as("acme", "compliance_officer").get("/api/v1/organizations/globex/compliance-status").then().statusCode(403);
        as("acme", "data_scientist").get("/api/v1/organizations/acme/compliance-status").then().statusCode(403);
    }

    private void send(String org, String type, String subject, Instant time, String json) {
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, new dev.polity.contracts.events.CloudEvent(UUID.randomUUID().toString(),
                "/polity/test/compliance", type, subject, time, "application/json",
                Map.of("polityorg", org), json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static String decision(String outcome) {
        return "{\"decision\":{\"decision_id\":\"" + UUID.randomUUID() + "\",\"decision\":\"" + outcome + "\"},\"request_digest\":\"x\"}";
    }
}
