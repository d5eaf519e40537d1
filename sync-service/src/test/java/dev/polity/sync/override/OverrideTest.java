package dev.polity.sync.override;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static dev.polity.sync.support.Api.approver;
import static dev.polity.sync.support.Api.as;
import static dev.polity.sync.support.Api.author;
import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.createPolicy;
import static dev.polity.sync.support.TestData.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class OverrideTest {

    static String overrideJson(String policy, String org, String team, Instant expiresAt) {
        return """
                {"policy_id": "%s", "organization_id": "%s"%s, "reason": "Fairness re-test scheduled", "expires_at": "%s"}
                """.formatted(policy, org, team == null ? "" : ", \"team_id\": \"" + team + "\"", expiresAt);
    }

    private static Optional<PolicyDocument> policyIn(ConsumerRecord<String, byte[]> record, String policyId) {
        SignedBundle bundle = Bundles.fromJson(record.value());
        return bundle.policies().stream().filter(p -> p.id().equals(policyId)).findFirst();
    }

    @Test
    void anApprovedOverrideShowsInTheBundleAndAnExpiredOneDisappearsFromTheNext() {
        String org = unique("overridden");
        createOrganization(org, "eu");
        String policy = unique("blocking");
        createPolicy(policy, "{ level: organization, organization: " + org + " }");

        String id = author().contentType(ContentType.JSON).body(overrideJson(policy, org, null, Instant.now().plusSeconds(4)))
                .when().post("/api/v1/overrides")
                .then().statusCode(201).body("status", equalTo("pending")).extract().path("id");
        approver().when().post("/api/v1/overrides/" + id + "/approve")
                .then().statusCode(200).body("status", equalTo("active"))
                .body("approver", containsString("acme.policy_approver"));

        java.util.function.Predicate<ConsumerRecord<String, byte[]>> advisory = r -> policyIn(r, policy)
                .map(p -> p.enforcement().wireName().equals("advisory")).orElse(false);
        ConsumerRecord<String, byte[]> withOverride = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org,
                found -> found.stream().anyMatch(advisory)).stream().filter(advisory).findFirst().orElseThrow();
        PolicyDocument overridden = policyIn(withOverride, policy).orElseThrow();
        assertThat(overridden.description()).contains("override " + id).contains("Fairness re-test scheduled");
        long overriddenRevision = Bundles.fromJson(withOverride.value()).manifest().revision();

        // Expiry: the override ends by itself and the next revision carries the policy as authored.
        java.util.function.Predicate<ConsumerRecord<String, byte[]>> restored = r ->
                Bundles.fromJson(r.value()).manifest().revision() > overriddenRevision
                        && policyIn(r, policy).map(p -> p.enforcement().wireName().equals("blocking")).orElse(false);
        ConsumerRecord<String, byte[]> later = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org,
                found -> found.stream().anyMatch(restored)).stream().filter(restored).findFirst().orElseThrow();
        assertThat(policyIn(later, policy).orElseThrow().description()).isNull();
        reader().when().get("/api/v1/overrides/" + id).then().statusCode(200).body("status", equalTo("expired"));
        reader().when().get("/api/v1/overrides?organization_id=" + org).then().statusCode(200).body("id", hasItem(id));
    }

    @Test
    void aTeamOverrideExemptsOnlyThatTeam() {
        String org = unique("teams");
        createOrganization(org, "eu");
        String policy = unique("team-blocking");
        createPolicy(policy, "{ level: organization, organization: " + org + " }");
        String id = author().contentType(ContentType.JSON)
                .body(overrideJson(policy, org, "ml-platform", Instant.now().plusSeconds(3600)))
                .when().post("/api/v1/overrides").then().statusCode(201).extract().path("id");
        approver().when().post("/api/v1/overrides/" + id + "/approve").then().statusCode(200);

        List<ConsumerRecord<String, byte[]>> records = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org,
                found -> !found.isEmpty() && policyIn(found.getLast(), policy)
                        .map(p -> p.match() != null && p.match().contains("ml-platform")).orElse(false));
        PolicyDocument guarded = policyIn(records.getLast(), policy).orElseThrow();
        assertThat(guarded.enforcement().wireName()).isEqualTo("blocking");
        assertThat(guarded.match()).startsWith("!(has(request.team_id) && request.team_id == \"ml-platform\")");

        approver().when().delete("/api/v1/overrides/" + id).then().statusCode(200).body("status", equalTo("revoked"));
        TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org, found -> !found.isEmpty()
                && policyIn(found.getLast(), policy).map(p -> !p.match().contains("ml-platform")).orElse(false));
    }

    @Test
    void theRequesterCannotApproveTheirOwnOverride() {
        String org = unique("self");
        createOrganization(org, "us");
        String policy = unique("self-blocking");
        createPolicy(policy, "{ level: organization, organization: " + org + " }");
        String id = as(SyncOidcTestResource.AUTHOR_APPROVER).contentType(ContentType.JSON)
                .body(overrideJson(policy, org, null, Instant.now().plusSeconds(3600)))
                .when().post("/api/v1/overrides").then().statusCode(201).extract().path("id");

        as(SyncOidcTestResource.AUTHOR_APPROVER).when().post("/api/v1/overrides/" + id + "/approve")
                .then().statusCode(403).body("detail", containsString("cannot approve"));
        approver().when().post("/api/v1/overrides/" + id + "/reject").then().statusCode(200)
                .body("status", equalTo("rejected"));
    }

    @Test
    void rejectsAnOverrideWithoutReasonOrEnd() {
        String org = unique("invalid");
        createOrganization(org, "us");
        author().contentType(ContentType.JSON)
                .body("{\"policy_id\": \"x\", \"organization_id\": \"" + org + "\"}")
                .when().post("/api/v1/overrides")
                .then().statusCode(400)
                .body("errors.field", hasItem("reason"))
                .body("errors.field", hasItem("expires_at"));
    }
}
