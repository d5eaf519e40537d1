package dev.polity.sync.bundle.service;

import dev.polity.contracts.bundle.BundleManifest;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.PolicyDigest;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.EventTypes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.bundle.repository.BundleEntity;
import dev.polity.sync.bundle.repository.BundleRepository;
import dev.polity.sync.common.Outcome;
import dev.polity.sync.distribution.repository.BundlePublicationRepository;
import dev.polity.sync.distribution.repository.QueuedPublication;
import dev.polity.sync.federation.repository.PolicySubscriptionRepository;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.override.repository.OverrideRepository;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Builds, signs, stores and publishes organisations' policy bundles.
 *
 * <p>A bundle holds the latest version of every policy that applies to the organisation: global
 * ones, those of its region, its own organisation and team policies, and the organisation-scoped
 * policies of its parent (and the parent's parent, and so on: scopes inherit downwards), plus the
 * policies it is subscribed to, with its active overrides applied ({@link BundleSources}).
 *
 * <p>One organisation (a manual build) and all the organisations a change affects (the outbox)
 * take the same path: lock their rows in id order, load what every bundle needs with one query
 * per kind, sign the changed bundles in memory, store them with one statement, send them all to
 * Kafka at once and wait for every acknowledgement, then their audit events the same way. Row
 * locks serialise builds of one organisation, so revisions go up by one without gaps; every record
 * is acknowledged before the transaction commits, so a bundle is stored if and only if it was
 * published, and the topic sees each organisation's revisions in order.
 */
@ApplicationScoped
public class BundleService {

    private final OrganizationRepository organizations;
    private final PolicyVersionRepository policies;
    private final BundleRepository bundles;
    private final BundleSigner signer;
    private final BundlePublisher publisher;
    private final AuditEventPublisher audit;
    private final Counter published;
    private final PolicySubscriptionRepository subscriptions;
    private final OverrideRepository overrides;
    private final BundlePublicationRepository publications;

    public BundleService(OrganizationRepository organizations, PolicyVersionRepository policies,
                         BundleRepository bundles, BundleSigner signer, BundlePublisher publisher,
                         AuditEventPublisher audit, MeterRegistry registry, PolicySubscriptionRepository subscriptions,
                         OverrideRepository overrides, BundlePublicationRepository publications) {
        this.subscriptions = subscriptions;
        this.overrides = overrides;
        this.publications = publications;
        this.organizations = organizations;
        this.policies = policies;
        this.bundles = bundles;
        this.signer = signer;
        this.publisher = publisher;
        this.audit = audit;
        this.published = Counter.builder("polity.bundles.published")
                .description("Signed bundles published on polity.policy.bundles")
                .register(registry);
    }

    /**
     * Builds the organisation's bundle. When the applicable policies (and the signing key) are
     * those of its latest bundle, returns that bundle's manifest unchanged; otherwise signs the
     * next revision, publishes it on {@code polity.policy.bundles}, emits
     * {@code polity.bundle.published} and returns the new manifest.
     *
     * @throws ProblemException 404 when the organisation does not exist
     */
    @WithTransaction
    public Uni<Outcome<BundleManifest>> build(String organizationId) {
        return buildAndPublish(List.of(organizationId)).map(outcomes -> outcomes.get(organizationId));
    }

    /**
     * Builds (and publishes, where they changed) the bundles outbox rows ask for, all in one
     * transaction, and removes the rows in it unless they were requested again meanwhile
     * ({@code generation}). Fails as a whole: then nothing is stored and no row is removed.
     *
     * @return each organisation's outcome, by organisation id
     */
    @WithTransaction
    public Uni<Map<String, Outcome<BundleManifest>>> publishQueued(List<QueuedPublication> queued) {
        return buildAndPublish(queued.stream().map(QueuedPublication::organizationId).toList())
                .call(() -> publications.completed(queued));
    }

    /** The organisation's latest bundle, or null when it has none. */
    @WithSession
    public Uni<StoredBundle> latest(String organizationId) {
        return bundles.findLatest(organizationId).map(entity -> entity == null ? null
                : new StoredBundle(entity.organizationId, entity.revision, entity.digest, entity.bundleJson));
    }

    public List<SigningKey> signingKeys() {
        return List.of(signer.signingKey());
    }

    /** Joins the caller's transaction; see the class comment. */
    private Uni<Map<String, Outcome<BundleManifest>>> buildAndPublish(List<String> organizationIds) {
        List<String> ids = organizationIds.stream().distinct().sorted().toList();
        return organizations.lockAllOrderedById(ids)
                .invoke(locked -> requireAllExist(ids, locked))
                .flatMap(locked -> loadSources(locked).map(sources -> {
                    // One creation time for everything built together: they were built from the same state.
                    Instant createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
                    return locked.stream().map(organization -> buildIfChanged(organization, sources, createdAt)).toList();
                }))
                .call(builds -> storeAndPublish(builds.stream().filter(BundleBuild::isNewRevision).toList()))
                .map(builds -> {
                    Map<String, Outcome<BundleManifest>> outcomes = new LinkedHashMap<>();
                    builds.forEach(build -> outcomes.put(build.organizationId(), build.outcome()));
                    return outcomes;
                });
    }

    private static void requireAllExist(List<String> ids, List<OrganizationEntity> found) {
        if (found.size() < ids.size()) {
            Set<String> missing = new TreeSet<>(ids);
            found.forEach(organization -> missing.remove(organization.id));
            throw ProblemException.notFound("organization '" + String.join("', '", missing) + "' does not exist");
        }
    }

    /**
     * What the organisations' bundles are built from, one query per kind: the organisations'
     * ancestors, the subscriptions reaching them, the latest version of every candidate policy
     * (by scope or subscription), their active overrides, their latest bundles.
     */
    private Uni<BundleSources> loadSources(List<OrganizationEntity> locked) {
        List<String> ids = locked.stream().map(organization -> organization.id).toList();
        Set<String> regions = locked.stream().map(organization -> organization.region).collect(Collectors.toSet());
        Instant now = Instant.now();
        return organizations.withAncestors(ids).flatMap(withAncestors -> subscriptions.reachingAny(ids, regions)
                .flatMap(reaching -> policies.listLatestCandidates(regions,
                                withAncestors.stream().map(organization -> organization.id).toList(),
                                reaching.stream().map(subscription -> subscription.policyId).collect(Collectors.toSet()))
                        .flatMap(candidates -> overrides.activeForAny(ids, now)
                                .flatMap(active -> bundles.listLatestOf(ids)
                                        .map(latest -> new BundleSources(withAncestors, candidates, reaching, active, latest))))));
    }

    /** Signs the organisation's next revision in memory, unless its policy set is that of its latest bundle. */
    private BundleBuild buildIfChanged(OrganizationEntity organization, BundleSources sources, Instant createdAt) {
        List<PolicyDocument> applicable = sources.applicablePolicies(organization);
        String policySet = policySetSha256(applicable);
        BundleEntity latest = sources.latestBundle(organization.id);
        if (latest != null && latest.policySetSha256.equals(policySet)) {
            return new BundleBuild(organization.id, manifest(latest), null);
        }
        long revision = latest == null ? 1 : latest.revision + 1;
        SignedBundle bundle = signer.sign(organization.id, revision, createdAt, applicable);
        BundleEntity entity = new BundleEntity();
        entity.organizationId = organization.id;
        entity.revision = revision;
        entity.policySetSha256 = policySet;
        entity.digest = bundle.manifest().digest();
        entity.keyId = bundle.manifest().keyId();
        entity.bundleJson = Bundles.toJson(bundle);
        entity.createdAt = Instant.parse(bundle.manifest().createdAt());
        return new BundleBuild(organization.id, bundle.manifest(), entity);
    }

    /**
     * Stores the new revisions, then sends every bundle record at once and waits until Kafka
     * acknowledged all of them, then the same for their {@code polity.bundle.published} events.
     * Records of one organisation never overlap: each is in a batch at most once, and its next
     * batch waits for this transaction (row lock).
     */
    private Uni<Void> storeAndPublish(List<BundleBuild> newRevisions) {
        if (newRevisions.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Stored first: a lost race on (organization_id, revision) must fail before anything is published.
        return bundles.insertAll(newRevisions.stream().map(BundleBuild::newRevision).toList())
                .chain(() -> allAcknowledged(newRevisions.stream()
                        .map(build -> publisher.publish(build.organizationId(), build.newRevision().bundleJson))
                        .toList()))
                .chain(() -> allAcknowledged(newRevisions.stream()
                        .map(build -> audit.publish(EventTypes.BUNDLE_PUBLISHED, "bundle/" + build.organizationId(),
                                build.organizationId(), new BundlePublished(build.organizationId(),
                                        build.manifest().revision(), build.manifest().digest(), build.manifest().keyId(),
                                        build.manifest().policies())))
                        .toList()))
                .invoke(() -> published.increment(newRevisions.size()));
    }

    /**
     * Subscribes to every send at once, so that the records go out together instead of one
     * round trip each, and completes when all were acknowledged. If any failed, fails once all
     * have completed, so that nothing of this batch is still in flight when the caller retries.
     */
    private static Uni<Void> allAcknowledged(List<Uni<Void>> sends) {
        return Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }

    /** What a bundle commits to apart from its revision and time: the signing key and every policy digest. */
    private String policySetSha256(List<PolicyDocument> applicable) {
        List<PolicyDigest> digests = applicable.stream()
                .sorted(Comparator.comparing(PolicyDocument::id))
                .map(policy -> new PolicyDigest(policy.id(), policy.version(), PolicyDocuments.sha256(policy)))
                .toList();
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("keyId", signer.keyId());
        set.put("policies", digests);
        return Hashes.sha256Hex(CanonicalJson.canonicalize(set));
    }

    private static BundleManifest manifest(BundleEntity entity) {
        return new StoredBundle(entity.organizationId, entity.revision, entity.digest, entity.bundleJson).manifest();
    }

    /**
     * One organisation's build: its latest bundle's manifest when nothing changed, or the next
     * revision, signed but not yet stored.
     *
     * @param newRevision the bundle to store and publish, or null when nothing changed
     */
    private record BundleBuild(String organizationId, BundleManifest manifest, BundleEntity newRevision) {

        boolean isNewRevision() {
            return newRevision != null;
        }

        Outcome<BundleManifest> outcome() {
            return isNewRevision() ? Outcome.created(manifest) : Outcome.existing(manifest);
        }
    }
}
