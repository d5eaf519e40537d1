package dev.polity.sync.bundle;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.ScopeLevel;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.Concurrently;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.security.PublicKey;
import java.util.List;
import java.util.Map;

import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.createPolicy;
import static dev.polity.sync.support.TestData.policyYaml;
import static dev.polity.sync.support.TestData.postPolicy;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.Api.admin;
import static dev.polity.sync.support.Api.reader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class BundleResourceTest {

    private final PublicKey publicKey = Ed25519.decodePublicKey(
            ConfigProvider.getConfig().getValue("polity.bundles.signing-public-key", String.class));
    private final Map<String, PublicKey> trustedKeys = Map.of(Ed25519.keyId(publicKey), publicKey);

    @Test
    void publishesASignedBundleWithExactlyThePoliciesThatApply() {
        String region = unique("r");
        String otherRegion = unique("r");
        String parent = unique("holding");
        String org = unique("acme");
        String otherOrg = unique("globex");
        createOrganization(parent, otherRegion);
        createOrganization(org, region, parent);
        createOrganization(otherOrg, region);

        String global = unique("global");
        String regional = unique("regional");
        String foreignRegional = unique("foreign-regional");
        String own = unique("own");
        String team = unique("team");
        String parents = unique("parents");
        String parentsTeam = unique("parents-team");
        String foreign = unique("foreign");
        createPolicy(global, "{ level: global }");
        createPolicy(regional, "{ level: regional, region: " + region + " }");
        createPolicy(foreignRegional, "{ level: regional, region: " + otherRegion + " }");
        createPolicy(own, "{ level: organization, organization: " + org + " }");
        createPolicy(team, "{ level: team, organization: " + org + ", team: ml-platform }");
        createPolicy(parents, "{ level: organization, organization: " + parent + " }");
        createPolicy(parentsTeam, "{ level: team, organization: " + parent + ", team: ml-platform }");
        createPolicy(foreign, "{ level: organization, organization: " + otherOrg + " }");

        // Published by the changes themselves, no build request needed.
        ConsumerRecord<String, byte[]> record = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org,
                records -> !records.isEmpty() && bundle(records.getLast()).policies().stream().map(PolicyDocument::id)
                        .toList().containsAll(List.of(global, regional, own, team, parents))).getLast();
        long revision = bundle(record).manifest().revision();
        admin().when().post("/api/v1/bundles/" + org)
                .then().statusCode(200)
                .body("organization_id", equalTo(org))
                .body("revision", equalTo((int) revision))
                .body("key_id", equalTo(Ed25519.keyId(publicKey)))
                .body("algorithm", equalTo("Ed25519"));
        SignedBundle bundle = Bundles.fromJson(record.value());
        assertThatCode(() -> Bundles.verify(bundle, org, trustedKeys)).doesNotThrowAnyException();
        assertThat(bundle.manifest().revision()).isEqualTo(revision);

        List<String> ids = bundle.policies().stream().map(PolicyDocument::id).toList();
        assertThat(ids).contains(global, regional, own, team, parents)
                .doesNotContain(foreignRegional, foreign, parentsTeam);
        // Every policy in the bundle applies: global ones (from any test), this region's, this organisation's, its parent's.
        for (PolicyDocument policy : bundle.policies()) {
            boolean applies = policy.scope().appliesTo(org, region)
                    || (policy.scope().level() == ScopeLevel.ORGANIZATION && parent.equals(policy.scope().organization()));
            assertThat(applies).as("policy %s with scope %s applies to %s", policy.id(), policy.scope(), org).isTrue();
        }

        ConsumerRecord<String, byte[]> audit = TopicReader.recordsWithKey(Topics.AUDIT_EVENTS, "bundle/" + org,
                records -> !records.isEmpty()).getFirst();
        CloudEvent event = CloudEvent.fromKafkaHeaders(TopicReader.headers(audit), audit.value());
        assertThat(event.type()).isEqualTo(EventTypes.BUNDLE_PUBLISHED);
        assertThat(event.organization()).isEqualTo(org);
    }

    @Test
    void republishesAtOnceWhenAnApplicablePolicyChangesAndOnlyThen() {
        String org = unique("initech");
        createOrganization(org, unique("r"));
        String policy = unique("own");
        createPolicy(policy, "{ level: organization, organization: " + org + " }");
        long first = bundle(TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org,
                found -> !found.isEmpty() && hasVersion(bundle(found.getLast()), policy, 1)).getLast()).manifest().revision();

        String firstDigest = admin().when().post("/api/v1/bundles/" + org)
                .then().statusCode(200).body("revision", equalTo((int) first))
                .extract().path("digest");

        postPolicy(policyYaml(policy, "{ level: organization, organization: " + org + " }", "0.01")).statusCode(201);
        List<ConsumerRecord<String, byte[]>> records = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org,
                found -> !found.isEmpty() && hasVersion(bundle(found.getLast()), policy, 2));
        long second = bundle(records.getLast()).manifest().revision();
        assertThat(second).isEqualTo(first + 1);
        assertThat(bundle(records.getLast()).manifest().digest()).isNotEqualTo(firstDigest);
        List<Long> revisions = records.stream().map(r -> bundle(r).manifest().revision()).toList();
        assertThat(revisions).as("one record per revision, in order").isSorted().doesNotHaveDuplicates().endsWith(first, second);
        SignedBundle latest = bundle(records.getLast());
        Bundles.verify(latest, org, trustedKeys);
        assertThat(latest.policies()).filteredOn(p -> p.id().equals(policy)).singleElement()
                .satisfies(p -> assertThat(p.version()).isEqualTo(2));
    }

    @Test
    void signsOneRevisionWhenBuildsRace() {
        String org = unique("race");
        createOrganization(org, unique("r"));
        createPolicy(unique("own"), "{ level: organization, organization: " + org + " }");

        List<Response> responses = Concurrently.run(4, () -> admin().when().post("/api/v1/bundles/" + org));

        assertThat(responses).extracting(Response::statusCode).allMatch(status -> status == 200 || status == 201)
                .filteredOn(status -> status == 201).hasSizeLessThanOrEqualTo(1);
        assertThat(responses.stream().map(r -> r.jsonPath().getLong("revision")).distinct()).hasSize(1);
        List<Long> revisions = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, org, found -> !found.isEmpty())
                .stream().map(r -> bundle(r).manifest().revision()).toList();
        assertThat(revisions).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void servesTheLatestBundleWithAStrongETag() {
        String org = unique("umbrella");
        createOrganization(org, unique("r"));
        createPolicy(unique("own"), "{ level: organization, organization: " + org + " }");
        admin().when().post("/api/v1/bundles/" + org).then().statusCode(anyOf(equalTo(200), equalTo(201)));

        Response response = reader().when().get("/api/v1/bundles/" + org);
        response.then().statusCode(200).contentType("application/json");
        String etag = response.header("ETag");
        SignedBundle bundle = Bundles.fromJson(response.asByteArray());
        Bundles.verify(bundle, org, trustedKeys);
        assertThat(etag).isEqualTo("\"" + bundle.manifest().revision() + "-" + bundle.manifest().digest() + "\"");
        assertThat(response.asString()).as("the exact contracts format").isEqualTo(Bundles.toJson(bundle));

        reader().header("If-None-Match", etag).when().get("/api/v1/bundles/" + org)
                .then().statusCode(304).header("ETag", equalTo(etag));
        reader().header("If-None-Match", "\"0-stale\"").when().get("/api/v1/bundles/" + org)
                .then().statusCode(200);

        reader().when().get("/api/v1/bundles/" + org + "/manifest")
                .then().statusCode(200)
                .body("revision", equalTo((int) bundle.manifest().revision()))
                .body("digest", equalTo(bundle.manifest().digest()));
    }

    @Test
    void answersNotFoundForAnOrganizationWithoutBundle() {
        String org = unique("nobundle");

        reader().when().get("/api/v1/bundles/" + org)
                .then().statusCode(404).contentType("application/problem+json");
        reader().when().get("/api/v1/bundles/" + org + "/manifest").then().statusCode(404);
        admin().when().post("/api/v1/bundles/" + unique("ghost"))
                .then().statusCode(404).contentType("application/problem+json");
    }

    @Test
    void listsThePublicSigningKey() {
        reader().when().get("/api/v1/bundles/keys")
                .then().statusCode(200)
                .body("", hasSize(1))
                .body("[0].key_id", equalTo(Ed25519.keyId(publicKey)))
                .body("[0].algorithm", equalTo("Ed25519"))
                .body("[0].public_key", equalTo(Ed25519.encodePublicKey(publicKey)));
    }

    private static SignedBundle bundle(ConsumerRecord<String, byte[]> record) {
        return Bundles.fromJson(record.value());
    }

    static boolean hasVersion(SignedBundle bundle, String policyId, int version) {
        return bundle.policies().stream().anyMatch(p -> p.id().equals(policyId) && p.version() == version);
    }
}
