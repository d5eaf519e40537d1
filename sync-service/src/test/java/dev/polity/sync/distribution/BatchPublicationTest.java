package dev.polity.sync.distribution;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.Database;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.createPolicy;
import static dev.polity.sync.support.TestData.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

/**
 * One change that affects many organisations publishes all their bundles in one transaction; when
 * one of them cannot be built, the others are still published and the failing one is retried.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class BatchPublicationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private final PublicKey publicKey = Ed25519.decodePublicKey(
            ConfigProvider.getConfig().getValue("polity.bundles.signing-public-key", String.class));
    private final Map<String, PublicKey> trustedKeys = Map.of(Ed25519.keyId(publicKey), publicKey);

    @Test
    void aGlobalChangeGivesEveryOrganizationExactlyOneNewVerifiedRevision() {
        String region = unique("batch");
        List<String> organizations = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String organization = unique("batch-org");
            createOrganization(organization, region);
            organizations.add(organization);
        }
        Map<String, Long> before = latestRevisionsOnceSettled(organizations);

        String policy = unique("batch-global");
        createPolicy(policy, "{ level: global }");

        for (String organization : organizations) {
            List<ConsumerRecord<String, byte[]>> records = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, organization,
                    found -> found.stream().anyMatch(record -> contains(bundle(record), policy)));
            List<Long> revisions = records.stream().map(record -> bundle(record).manifest().revision()).toList();
            long expected = before.get(organization) + 1;
            assertThat(revisions).as("revisions of %s on the topic: from 1, no gaps, no duplicates", organization)
                    .containsExactlyElementsOf(LongStream.rangeClosed(1, expected).boxed().toList());
            SignedBundle latest = bundle(records.getLast());
            assertThat(contains(latest, policy)).as("revision %d of %s holds the new policy", expected, organization).isTrue();
            assertThatCode(() -> Bundles.verify(latest, organization, trustedKeys)).doesNotThrowAnyException();
        }
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(queued(organizations)).as("outbox rows left").isEmpty());
        assertThat(latestRevisions(organizations)).as("exactly one new stored revision each")
                .isEqualTo(increment(before));
    }

    @Test
    void oneOrganizationThatCannotBeBuiltDoesNotHoldUpTheOthersAndIsRetried() {
        String region = unique("partial");
        String broken = unique("broken");
        List<String> healthy = List.of(unique("healthy"), unique("healthy"), unique("healthy"));
        List<String> organizations = new ArrayList<>(healthy);
        organizations.add(broken);
        organizations.forEach(organization -> createOrganization(organization, region));
        String own = unique("broken-own");
        createPolicy(own, "{ level: organization, organization: " + broken + " }");
        TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, broken,
                found -> found.stream().anyMatch(record -> contains(bundle(record), own)));
        Map<String, Long> before = latestRevisionsOnceSettled(organizations);

        // A stored policy that no longer matches its SHA-256 makes building the broken organisation's bundle fail.
        String sha256 = (String) Database.rows("select sha256 from policy_versions where policy_id = ?", own)
                .getFirst().get("sha256");
        assertThat(Database.update("update policy_versions set sha256 = repeat('0', 64) where policy_id = ?", own)).isEqualTo(1);
        String regional = unique("partial-regional");
        try {
            createPolicy(regional, "{ level: regional, region: " + region + " }");

            for (String organization : healthy) {
                ConsumerRecord<String, byte[]> record = TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, organization,
                        found -> found.stream().anyMatch(r -> contains(bundle(r), regional))).getLast();
                assertThat(bundle(record).manifest().revision()).isEqualTo(before.get(organization) + 1);
                assertThatCode(() -> Bundles.verify(bundle(record), organization, trustedKeys)).doesNotThrowAnyException();
            }
            Map<String, Object> failed = await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(
                    () -> queued(List.of(broken)).stream().findFirst().orElse(null),
                    row -> row != null && ((Number) row.get("attempts")).intValue() >= 1);
            assertThat((String) failed.get("last_error")).contains("no longer matches its SHA-256");
            assertThat(failed.get("failed")).as("not given up yet: it is retried with backoff").isEqualTo(false);
            await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                    assertThat(queued(healthy)).as("outbox rows of the healthy organisations").isEmpty());
            assertThat(latestRevisions(organizations).get(broken)).as("nothing stored for the broken organisation")
                    .isEqualTo(before.get(broken));
        } finally {
            Database.update("update policy_versions set sha256 = ? where policy_id = ?", sha256, own);
        }

        // Repaired: the next retry publishes it.
        SignedBundle repaired = bundle(TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, broken,
                found -> found.stream().anyMatch(record -> contains(bundle(record), regional))).getLast());
        assertThat(repaired.manifest().revision()).isEqualTo(before.get(broken) + 1);
        assertThat(contains(repaired, own)).isTrue();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).untilAsserted(() ->
                assertThat(queued(organizations)).as("outbox rows left").isEmpty());
        assertThat(latestRevisions(organizations)).isEqualTo(increment(before));
    }

    /** Waits until nothing is queued for the organisations and each has a bundle; their latest revisions. */
    private static Map<String, Long> latestRevisionsOnceSettled(List<String> organizations) {
        return await().atMost(WAIT).pollInterval(Duration.ofMillis(100)).until(
                () -> queued(organizations).isEmpty() ? latestRevisions(organizations) : Map.<String, Long>of(),
                revisions -> revisions.size() == organizations.size());
    }

    private static List<Map<String, Object>> queued(List<String> organizations) {
        return Database.rows("select organization_id, attempts, failed, last_error from bundle_publications"
                + " where organization_id = any(?) order by organization_id", organizations);
    }

    private static Map<String, Long> latestRevisions(List<String> organizations) {
        Map<String, Long> revisions = new HashMap<>();
        Database.rows("select organization_id, max(revision) as revision from bundles where organization_id = any(?)"
                        + " group by organization_id", organizations)
                .forEach(row -> revisions.put((String) row.get("organization_id"), ((Number) row.get("revision")).longValue()));
        return revisions;
    }

    private static Map<String, Long> increment(Map<String, Long> revisions) {
        Map<String, Long> next = new HashMap<>();
        revisions.forEach((organization, revision) -> next.put(organization, revision + 1));
        return next;
    }

    private static SignedBundle bundle(ConsumerRecord<String, byte[]> record) {
        return Bundles.fromJson(record.value());
    }

    private static boolean contains(SignedBundle bundle, String policyId) {
        return bundle.policies().stream().anyMatch(policy -> policy.id().equals(policyId));
    }
}
