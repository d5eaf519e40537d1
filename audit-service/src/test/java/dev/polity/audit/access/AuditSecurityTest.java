package dev.polity.audit.access;

import dev.polity.audit.AuditApi;
import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static dev.polity.audit.AuditApi.as;
import static dev.polity.audit.AuditApi.asAuditor;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.equalTo;

/**
 * Issue 7's table for the audit log: compliance_officer reads it; auditor reads, exports and verifies it; every
 * other role gets 403. Callers see only their own organisation's events.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class AuditSecurityTest {

    private static final Set<String> READERS = Set.of("auditor", "compliance_officer");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    static List<String> roles() {
        return OidcTestResource.ROLES;
    }

    @Test
    void refusesCallsWithoutAToken() {
        for (String path : List.of("/api/v1/audit/events", "/api/v1/audit/events/1", "/api/v1/audit/events/1/proof",
                "/api/v1/audit/checkpoints", "/api/v1/audit/checkpoints/latest", "/api/v1/audit/log", "/api/v1/audit/export",
                "/api/v1/audit/verify", "/api/v1/organizations/acme/compliance-status")) {
            given().get(path).then().statusCode(401);
        }
        given().auth().oauth2("not-a-token").get("/api/v1/audit/events").then().statusCode(401);
    }

    @ParameterizedTest
    @MethodSource("roles")
    void letsOnlyAuditorsAndComplianceOfficersReadTheLog(String role) {
        int expected = READERS.contains(role) ? 200 : 403;
        as("acme", role).get("/api/v1/audit/events").then().statusCode(expected);
        as("acme", role).get("/api/v1/audit/checkpoints").then().statusCode(expected);
        as("acme", role).get("/api/v1/audit/log").then().statusCode(expected);
    }

    @ParameterizedTest
    @MethodSource("roles")
    void letsOnlyAuditorsExportAndVerify(String role) {
        int expected = role.equals("auditor") ? 200 : 403;
        as("globex", role).get("/api/v1/audit/verify").then().statusCode(expected);
        as("globex", role).queryParam("from", "2999-01-01T00:00:00Z").get("/api/v1/audit/export").then().statusCode(expected);
    }

    @Test
    void refusesATokenWithoutRoles() {
        as("acme", "none").get("/api/v1/audit/events").then().statusCode(403);
    }

    @Test
    void holdsCallersToTheirOwnOrganisation() {
        String subject = "model/globex/" + AuditKafka.unique("private");
        AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, AuditKafka.event("polity.model.registered", subject, "globex", "bob", "{}"));
        long sequence = await().atMost(Duration.ofSeconds(30)).until(
                () -> asAuditor().queryParam("subject", subject).get("/api/v1/audit/events").jsonPath().getList("items.sequence", Long.class),
                list -> list.size() == 1).getFirst();

        // acme's auditor asks for globex's events: refused; asks for everything: gets acme's only.
        as("acme", "auditor").queryParam("organization", "globex").get("/api/v1/audit/events")
                .then().statusCode(403).contentType("application/problem+json");
        as("acme", "auditor").queryParam("subject", subject).get("/api/v1/audit/events")
                .then().statusCode(200).body("items.size()", equalTo(0));
        as("acme", "compliance_officer").queryParam("limit", 500).get("/api/v1/audit/events")
                .then().statusCode(200).body("items.organization", everyItem(equalTo("acme")));
        as("acme", "auditor").get("/api/v1/audit/events/{sequence}", sequence).then().statusCode(404);
        as("acme", "auditor").get("/api/v1/audit/events/{sequence}/data", sequence).then().statusCode(404);
        as("acme", "auditor").get("/api/v1/audit/events/{sequence}/proof", sequence).then().statusCode(404);

        // globex's own auditor sees it, with or without the organization the gateway adds.
        as("globex", "auditor").get("/api/v1/audit/events/{sequence}", sequence).then().statusCode(200);
        as("globex", "auditor").queryParam("organization", "globex").get("/api/v1/audit/events/{sequence}", sequence)
                .then().statusCode(200);
        as("globex", "auditor").queryParam("subject", subject).queryParam("organization", "globex")
                .get("/api/v1/audit/events").then().statusCode(200).body("items.size()", equalTo(1));
        assertThat(AuditApi.LOG_WIDE).isNotIn("acme", "globex");
    }
}
