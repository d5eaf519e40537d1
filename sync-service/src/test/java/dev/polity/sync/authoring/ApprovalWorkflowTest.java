package dev.polity.sync.authoring;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;

import static dev.polity.sync.support.Api.approver;
import static dev.polity.sync.support.Api.as;
import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.YAML;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.policyYaml;
import static dev.polity.sync.support.TestData.postPolicy;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.TestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@TestProfile(ApprovalProfile.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class ApprovalWorkflowTest {

    @Test
    void publishesAGlobalChangeOnlyAfterASecondPersonApprovesIt() {
        String org = unique("approved");
        createOrganization(org, "eu");
        String id = unique("global-change");

        String changeId = postPolicy(policyYaml(id, "{ level: global }", "0.1"))
                .statusCode(202)
                .header("Location", containsString("/api/v1/policy-changes/"))
                .body("status", equalTo("pending"))
                .body("proposed_version", equalTo(1))
                .body("diff[0].kind", equalTo("added"))
                .extract().path("id");
        reader().when().get("/api/v1/policies/" + id).then().statusCode(404);
        reader().when().get("/api/v1/policy-changes?status=pending").then().statusCode(200).body("id", hasItem(changeId));

        approver().contentType(ContentType.JSON).body("{\"comment\": \"four eyes\"}")
                .when().post("/api/v1/policy-changes/" + changeId + "/approve")
                .then().statusCode(200)
                .body("change.status", equalTo("approved"))
                .body("change.decided_by", containsString("acme.policy_approver"))
                .body("policy.version", equalTo(1))
                .body("republishing", hasItem(org));
        reader().when().get("/api/v1/policies/" + id).then().statusCode(200).body("version", equalTo(1));
        TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org, records -> !records.isEmpty()
                && Bundles.fromJson(records.getLast().value()).policies().stream().anyMatch(p -> p.id().equals(id)));

        List<String> types = TopicReader.recordsWithKey(Topics.AUDIT_EVENTS, "policy/" + id, records -> records.size() >= 3)
                .stream().map(r -> CloudEvent.fromKafkaHeaders(TopicReader.headers(r), r.value()).type()).toList();
        assertThat(types).containsSubsequence("polity.policy.submitted", "polity.policy.approved", "polity.policy.created");
    }

    @Test
    void theAuthorCannotApproveTheirOwnGlobalChange() {
        String id = unique("own-approval");
        String changeId = as(SyncOidcTestResource.AUTHOR_APPROVER).contentType(YAML)
                .body(utf8(policyYaml(id, "{ level: global }", "0.1")))
                .when().post("/api/v1/policies")
                .then().statusCode(202).extract().path("id");

        as(SyncOidcTestResource.AUTHOR_APPROVER).contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/policy-changes/" + changeId + "/approve")
                .then().statusCode(403)
                .contentType("application/problem+json")
                .body("detail", containsString("cannot approve"));
        reader().when().get("/api/v1/policy-changes/" + changeId).then().statusCode(200).body("status", equalTo("pending"));

        approver().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/policy-changes/" + changeId + "/approve")
                .then().statusCode(200).body("change.status", equalTo("approved"));
    }

    @Test
    void anOrganizationPolicyNeedsNoApproval() {
        String org = unique("local");
        createOrganization(org, "us");
        postPolicy(policyYaml(unique("own"), "{ level: organization, organization: " + org + " }", "0.05"))
                .statusCode(201);
    }

    @Test
    void aPendingChangeExpiresAfterTheApprovalTimeout() throws Exception {
        String id = unique("expiring");
        String changeId = postPolicy(policyYaml(id, "{ level: regional, region: eu }", "0.1"))
                .statusCode(202).body("expires_at", notNullValue()).extract().path("id");
        // Ten minutes are long for a test: let them pass in the database.
        try (Connection db = DriverManager.getConnection(
                ConfigProvider.getConfig().getValue("quarkus.datasource.jdbc.url", String.class),
                ConfigProvider.getConfig().getValue("quarkus.datasource.username", String.class),
                ConfigProvider.getConfig().getValue("quarkus.datasource.password", String.class));
             PreparedStatement update = db.prepareStatement(
                     "update policy_changes set expires_at = now() - interval '1 second' where id = ?")) {
            update.setObject(1, java.util.UUID.fromString(changeId));
            assertThat(update.executeUpdate()).isEqualTo(1);
        }

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).untilAsserted(() ->
                reader().when().get("/api/v1/policy-changes/" + changeId).then().body("status", equalTo("expired")));
        approver().contentType(ContentType.JSON).body("{}")
                .when().post("/api/v1/policy-changes/" + changeId + "/approve")
                .then().statusCode(409);
        reader().when().get("/api/v1/policies/" + id).then().statusCode(404);
        TopicReader.recordsWithKey(Topics.AUDIT_EVENTS, "policy/" + id, records -> records.stream()
                .anyMatch(r -> CloudEvent.fromKafkaHeaders(TopicReader.headers(r), r.value()).type()
                        .equals("polity.policy.change-expired")));
    }

    @Test
    void rejectsASecondPendingChangeOfTheSamePolicy() {
        String id = unique("twice");
        postPolicy(policyYaml(id, "{ level: global }", "0.1")).statusCode(202);
        postPolicy(policyYaml(id, "{ level: global }", "0.09")).statusCode(409)
                .body("detail", containsString("pending"));
    }
}
