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
import dev.polity.contracts.policy.PolicyScope;
import dev.polity.contracts.policy.ScopeLevel;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.bundle.repository.BundleEntity;
import dev.polity.sync.bundle.repository.BundleRepository;
import dev.polity.sync.common.Outcome;
import dev.polity.sync.distribution.repository.BundlePublicationRepository;
import dev.polity.sync.federation.repository.PolicySubscriptionEntity;
import dev.polity.sync.federation.repository.PolicySubscriptionRepository;
import dev.polity.sync.override.repository.OverrideEntity;
import dev.polity.sync.override.repository.OverrideRepository;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.policy.repository.PolicyVersionEntity;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import dev.polity.sync.policy.service.PolicyService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds, signs, stores and publishes each organisation's policy bundle.
 *
 * <p>A bundle holds the latest version of every policy that applies to the organisation: global
 * ones, those of its region, its own organisation and team policies, and the organisation-scoped
 * policies of its parent (and the parent's parent, and so on: scopes inherit downwards).
 *
 * <p>Building locks the organisation's row, so builds for one organisation run one at a time and
 * revisions go up by one without gaps; the record is published and acknowledged by Kafka before
 * the transaction commits, so a bundle is stored if and only if it was published, and the topic
 * sees revisions in order.
 */
@ApplicationScoped
public class BundleService {

    /** Guards the parent chain against cycles; organisations are immutable, so this is belt and braces. */
    private static final int MAX_ANCESTORS = 32;

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
        return buildInTransaction(organizationId);
    }

    /**
     * Builds (and publishes, if it changed) the bundle an outbox row asks for, and removes the row
     * in the same transaction unless it was requested again meanwhile ({@code generation}).
     */
    @WithTransaction
    public Uni<Outcome<BundleManifest>> publishQueued(String organizationId, long generation) {
        return buildInTransaction(organizationId)
                .call(outcome -> publications.completed(organizationId, generation));
    }

    private Uni<Outcome<BundleManifest>> buildInTransaction(String organizationId) {
        return organizations.findByIdLocked(organizationId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound(
                        "organization '" + organizationId + "' does not exist"))
                .flatMap(organization -> ancestors(organization, new ArrayList<>())
                        .flatMap(ancestors -> applicablePolicies(organization, ancestors))
                        .flatMap(applicable -> bundles.findLatest(organizationId)
                                .flatMap(latest -> buildIfChanged(organizationId, applicable, latest))));
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

    private Uni<Outcome<BundleManifest>> buildIfChanged(String organizationId, List<PolicyDocument> applicable,
                                                        BundleEntity latest) {
        String policySet = policySetSha256(applicable);
        if (latest != null && latest.policySetSha256.equals(policySet)) {
            return Uni.createFrom().item(Outcome.existing(manifest(latest)));
        }
        long revision = latest == null ? 1 : latest.revision + 1;
        SignedBundle bundle = signer.sign(organizationId, revision, Instant.now().truncatedTo(ChronoUnit.MILLIS),
                applicable);
        BundleEntity entity = new BundleEntity();
        entity.organizationId = organizationId;
        entity.revision = revision;
        entity.policySetSha256 = policySet;
        entity.digest = bundle.manifest().digest();
        entity.keyId = bundle.manifest().keyId();
        entity.bundleJson = Bundles.toJson(bundle);
        entity.createdAt = Instant.parse(bundle.manifest().createdAt());
        BundleManifest manifest = bundle.manifest();
        // Flush first: a lost race on (organization_id, revision) must fail before anything is published.
        return bundles.persistAndFlush(entity)
                .call(stored -> publisher.publish(organizationId, stored.bundleJson))
                .call(stored -> audit.publish(EventTypes.BUNDLE_PUBLISHED, "bundle/" + organizationId, organizationId,
                        new BundlePublished(organizationId, revision, manifest.digest(), manifest.keyId(),
                                manifest.policies())))
                .invoke(() -> published.increment())
                .map(stored -> Outcome.created(manifest));
    }

    /** Ids of the organisation's parent, grandparent, ... nearest first. */
    private Uni<List<String>> ancestors(OrganizationEntity organization, List<String> found) {
        String parentId = organization.parentOrganization;
        if (parentId == null || found.contains(parentId) || parentId.equals(organization.id)
                || found.size() >= MAX_ANCESTORS) {
            return Uni.createFrom().item(found);
        }
        return organizations.findById(parentId).flatMap(parent -> {
            if (parent == null) {
                return Uni.createFrom().item(found);
            }
            found.add(parent.id);
            return ancestors(parent, found);
        });
    }

    /**
     * The latest version of every policy its scopes bring (global, its region, itself and its
     * teams, its ancestors' organisation policies) and of every policy it is subscribed to
     * (federation hierarchy, tier defaults), with its active overrides applied.
     */
    private Uni<List<PolicyDocument>> applicablePolicies(OrganizationEntity organization, List<String> ancestors) {
        List<String> organizationIds = new ArrayList<>(ancestors);
        organizationIds.add(organization.id);
        Instant now = Instant.now();
        return policies.listLatestCandidates(organization.region, organizationIds).flatMap(candidates -> {
            Map<String, PolicyDocument> applicable = new LinkedHashMap<>();
            for (PolicyVersionEntity candidate : candidates) {
                PolicyDocument document = verified(candidate);
                if (applies(document.scope(), organization, ancestors)) {
                    applicable.put(document.id(), document);
                }
            }
            return subscriptions.reaching(organization.id, organization.region).flatMap(subscribed -> {
                Set<String> missing = new HashSet<>();
                for (PolicySubscriptionEntity subscription : subscribed) {
                    if (!applicable.containsKey(subscription.policyId)) {
                        missing.add(subscription.policyId);
                    }
                }
                Uni<List<PolicyVersionEntity>> extra = missing.isEmpty()
                        ? Uni.createFrom().item(List.of()) : policies.listLatestOf(missing);
                return extra.map(found -> {
                    for (PolicyVersionEntity entity : found) {
                        applicable.put(entity.policyId, verified(entity));
                    }
                    return applicable;
                });
            });
        }).flatMap(applicable -> overrides.activeFor(organization.id, now).map(active -> {
            for (OverrideEntity override : active) {
                PolicyDocument policy = applicable.get(override.policyId);
                if (policy != null) {
                    applicable.put(policy.id(), Overrides.apply(policy, override));
                }
            }
            return applicable.values().stream().sorted(Comparator.comparing(PolicyDocument::id)).toList();
        }));
    }

    private static PolicyDocument verified(PolicyVersionEntity candidate) {
        PolicyDocument document = PolicyService.document(candidate);
        if (!PolicyDocuments.sha256(document).equals(candidate.sha256)) {
            throw new IllegalStateException("stored policy " + candidate.policyId + " v" + candidate.version
                    + " no longer matches its SHA-256");
        }
        return document;
    }

    static boolean applies(PolicyScope scope, OrganizationEntity organization, List<String> ancestors) {
        return scope.appliesTo(organization.id, organization.region)
                || (scope.level() == ScopeLevel.ORGANIZATION && ancestors.contains(scope.organization()));
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
}
