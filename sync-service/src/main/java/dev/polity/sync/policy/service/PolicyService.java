package dev.polity.sync.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.events.EventTypes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.json.Json;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.PolicyScope;
import dev.polity.contracts.policy.ScopeLevel;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.authoring.repository.PolicyChangeEntity;
import dev.polity.sync.authoring.repository.PolicyChangeRepository;
import dev.polity.sync.authoring.service.ExpressionChecker;
import dev.polity.sync.authoring.service.HierarchyRules;
import dev.polity.sync.authoring.service.PolicyChange;
import dev.polity.sync.authoring.service.PolicyDiff;
import dev.polity.sync.authoring.service.Submission;
import dev.polity.sync.authoring.service.VersionDiff;
import dev.polity.sync.common.Actor;
import dev.polity.sync.distribution.service.Republisher;
import dev.polity.sync.federation.service.FederationSettingsService;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.messaging.SyncEventTypes;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.policy.repository.PolicyVersionEntity;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Policy authoring: every policy is a chain of immutable versions. A submitted document is
 * compiled (every CEL expression, in the nodes' environment), checked against the hierarchical
 * conflict rules and compared with the latest version; a global or regional change waits for a
 * second person's approval when {@code require_approval} is on, anything else is stored as the
 * next version at once. Every stored version queues the affected organisations' bundles for
 * republishing in the same transaction; every step emits an audit event.
 */
@ApplicationScoped
public class PolicyService {

    private static final int MAX_ANCESTORS = 32;

    private final PolicyVersionRepository versions;
    private final OrganizationRepository organizations;
    private final PolicyChangeRepository changes;
    private final AuditEventPublisher audit;
    private final ExpressionChecker expressions;
    private final FederationSettingsService settings;
    private final Republisher republisher;

    public PolicyService(PolicyVersionRepository versions, OrganizationRepository organizations,
                         PolicyChangeRepository changes, AuditEventPublisher audit, ExpressionChecker expressions,
                         FederationSettingsService settings, Republisher republisher) {
        this.versions = versions;
        this.organizations = organizations;
        this.changes = changes;
        this.audit = audit;
        this.expressions = expressions;
        this.settings = settings;
        this.republisher = republisher;
    }

    /**
     * Submits {@code submitted} as the policy's next version. The service sets the document's
     * version; a submitted version is ignored. If the content equals the latest version's, nothing
     * happens and that version is returned.
     *
     * @throws ProblemException 422 when an expression does not compile, 409 on a hierarchy conflict
     *                          or when a change of the policy is already pending
     */
    @WithTransaction
    public Uni<Submission> submit(PolicyDocument submitted, Actor actor) {
        expressions.requireCompiles(submitted);
        return requireScopeOrganization(submitted.scope())
                .flatMap(ignored -> versions.findLatest(submitted.id()))
                .flatMap(latest -> {
                    if (latest != null && PolicyDocuments.sha256(withVersion(submitted, latest.version)).equals(latest.sha256)) {
                        return Uni.createFrom().item(new Submission(Submission.Kind.UNCHANGED, toStored(latest), null, List.of()));
                    }
                    int version = latest == null ? 1 : latest.version + 1;
                    PolicyDocument document = withVersion(submitted, version);
                    PolicyDocument previous = latest == null ? null : document(latest);
                    List<PolicyDiff.Change> diff = PolicyDiff.between(previous == null ? null : tree(previous), tree(document));
                    return requireNoConflict(document, previous)
                            .flatMap(ignored -> settings.current())
                            .flatMap(current -> {
                                boolean needsApproval = current.requireApproval()
                                        && (highScope(document.scope()) || (previous != null && highScope(previous.scope())));
                                if (needsApproval) {
                                    return queueForApproval(document, latest, diff, actor,
                                            Instant.now().plus(current.approvalTimeout()));
                                }
                                return store(document, previous, actor, diff, null)
                                        .map(stored -> new Submission(Submission.Kind.PUBLISHED, stored.policy(), null,
                                                stored.republishing()));
                            });
                });
    }

    /**
     * Approves a pending change: stores it as the policy's next version and queues the affected
     * bundles. The author cannot approve their own change.
     */
    @WithTransaction
    public Uni<Submission> approve(UUID changeId, Actor approver, String comment) {
        return pendingChange(changeId).flatMap(change -> {
            if (change.author.equals(approver.subject())) {
                return Uni.createFrom().failure(ProblemException.forbidden("'" + approver.subject()
                        + "' submitted change " + changeId + " of policy '" + change.policyId
                        + "' and cannot approve it; another policy_approver must"));
            }
            return versions.findLatest(change.policyId).flatMap(latest -> {
                Integer current = latest == null ? null : latest.version;
                if (!java.util.Objects.equals(current, change.baseVersion)) {
                    return Uni.createFrom().failure(ProblemException.conflict("policy '" + change.policyId
                            + "' changed since change " + changeId + " was submitted (now version " + current
                            + "); reject it and submit again"));
                }
                PolicyDocument document = readDocument(change.document, change.policyId);
                PolicyDocument previous = latest == null ? null : document(latest);
                change.status = PolicyChangeEntity.APPROVED;
                change.decidedBy = approver.subject();
                change.decidedAt = now();
                change.decisionComment = comment;
                return requireNoConflict(document, previous)
                        .flatMap(ignored -> audit.publish(SyncEventTypes.POLICY_APPROVED, subject(change.policyId),
                                document.scope().organization(), approver.subject(), decision(change)))
                        .flatMap(ignored -> store(document, previous, approver, readDiff(change.diff), change.id))
                        .map(stored -> new Submission(Submission.Kind.PUBLISHED, stored.policy(), toView(change),
                                stored.republishing()));
            });
        });
    }

    @WithTransaction
    public Uni<PolicyChange> reject(UUID changeId, Actor approver, String comment) {
        return pendingChange(changeId).flatMap(change -> {
            change.status = PolicyChangeEntity.REJECTED;
            change.decidedBy = approver.subject();
            change.decidedAt = now();
            change.decisionComment = comment;
            return audit.publish(SyncEventTypes.POLICY_REJECTED, subject(change.policyId), null, approver.subject(),
                    decision(change)).map(ignored -> toView(change));
        });
    }

    /** Marks pending changes past their approval timeout as expired; returns how many. */
    @WithTransaction
    public Uni<Integer> expireDue() {
        return changes.pendingExpiredBy(now()).flatMap(expired -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (PolicyChangeEntity change : expired) {
                change.status = PolicyChangeEntity.EXPIRED;
                change.decidedAt = now();
                chain = chain.flatMap(ignored -> audit.publish(SyncEventTypes.POLICY_CHANGE_EXPIRED,
                        subject(change.policyId), null, null, decision(change)));
            }
            return chain.replaceWith(expired.size());
        });
    }

    @WithSession
    public Uni<PolicyChange> change(UUID id) {
        return changes.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("policy change " + id + " does not exist"))
                .map(PolicyService::toView);
    }

    @WithSession
    public Uni<List<PolicyChange>> changes(String status, String policyId) {
        return changes.search(status, policyId).map(list -> list.stream().map(PolicyService::toView).toList());
    }

    /** The latest version of every policy, ordered by id. */
    @WithSession
    public Uni<List<StoredPolicy>> listLatest() {
        return versions.listLatest().map(entities -> entities.stream().map(PolicyService::toStored).toList());
    }

    /** @throws ProblemException 404 when there is no such policy */
    @WithSession
    public Uni<StoredPolicy> latest(String policyId) {
        return versions.findLatest(policyId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("policy '" + policyId + "' does not exist"))
                .map(PolicyService::toStored);
    }

    /** @throws ProblemException 404 when there is no such policy or version */
    @WithSession
    public Uni<StoredPolicy> version(String policyId, int version) {
        return versions.findVersion(policyId, version)
                .onItem().ifNull().failWith(() -> ProblemException.notFound(
                        "policy '" + policyId + "' has no version " + version))
                .map(PolicyService::toStored);
    }

    /** A version compared with the one before it (version 1 with nothing). */
    @WithSession
    public Uni<VersionDiff> diff(String policyId, int version) {
        return versions.findVersion(policyId, version)
                .onItem().ifNull().failWith(() -> ProblemException.notFound(
                        "policy '" + policyId + "' has no version " + version))
                .flatMap(current -> (version > 1 ? versions.findVersion(policyId, version - 1) : Uni.createFrom().<PolicyVersionEntity>nullItem())
                        .map(previous -> new VersionDiff(policyId, previous == null ? null : previous.version, version,
                                PolicyDiff.between(previous == null ? null : tree(document(previous)),
                                        tree(document(current))))));
    }

    /** Audit subject of a policy. */
    public static String subject(String policyId) {
        return "policy/" + policyId;
    }

    /** Reads a stored version's document back; it hashes exactly as it did when it was stored. */
    public static PolicyDocument document(PolicyVersionEntity entity) {
        return readDocument(entity.document, entity.policyId);
    }

    private record Stored(StoredPolicy policy, List<String> republishing) {
    }

    /** Stores the version, emits polity.policy.created and queues every affected organisation's bundle. */
    private Uni<Stored> store(PolicyDocument document, PolicyDocument previous, Actor actor,
                              List<PolicyDiff.Change> diff, UUID changeId) {
        List<PolicyScope> scopes = new ArrayList<>();
        scopes.add(document.scope());
        if (previous != null) {
            scopes.add(previous.scope());
        }
        return versions.persistAndFlush(toEntity(document))
                .call(entity -> {
                    Map<String, Object> data = new LinkedHashMap<>();
                    data.put("policy", PolicyCreated.of(document.id(), document.version(), entity.sha256, document.scope(),
                            document.type().wireName(), document.enforcement().wireName()));
                    data.put("author", actor.subject());
                    data.put("change_id", changeId == null ? null : changeId.toString());
                    data.put("diff", diff);
                    return audit.publish(EventTypes.POLICY_CREATED, subject(document.id()), document.scope().organization(),
                            actor.subject(), data);
                })
                .flatMap(entity -> republisher.forPolicy(document.id(), scopes,
                                "policy " + document.id() + " v" + document.version())
                        .map(affected -> new Stored(toStored(entity), affected)));
    }

    private Uni<Submission> queueForApproval(PolicyDocument document, PolicyVersionEntity latest,
                                             List<PolicyDiff.Change> diff, Actor actor, Instant expiresAt) {
        return changes.pendingFor(document.id()).flatMap(pending -> {
            if (pending != null) {
                return Uni.createFrom().failure(ProblemException.conflict("a change of policy '" + document.id()
                        + "' is already pending approval (change " + pending.id + "); approve or reject it first"));
            }
            PolicyChangeEntity change = new PolicyChangeEntity();
            change.id = UUID.randomUUID();
            change.policyId = document.id();
            change.baseVersion = latest == null ? null : latest.version;
            change.proposedVersion = document.version();
            change.document = new String(CanonicalJson.canonicalize(document), StandardCharsets.UTF_8);
            change.sha256 = PolicyDocuments.sha256(document);
            change.scopeLevel = document.scope().level().wireName();
            change.diff = json(diff);
            change.author = actor.subject();
            change.authorOrganization = actor.organization();
            change.status = PolicyChangeEntity.PENDING;
            change.createdAt = now();
            change.expiresAt = expiresAt.truncatedTo(ChronoUnit.MILLIS);
            return changes.persistAndFlush(change)
                    .call(stored -> {
                        Map<String, Object> data = new LinkedHashMap<>();
                        data.put("change_id", stored.id.toString());
                        data.put("policy_id", stored.policyId);
                        data.put("base_version", stored.baseVersion);
                        data.put("proposed_version", stored.proposedVersion);
                        data.put("sha256", stored.sha256);
                        data.put("status", stored.status);
                        data.put("expires_at", stored.expiresAt);
                        data.put("diff", diff);
                        return audit.publish(SyncEventTypes.POLICY_SUBMITTED, subject(stored.policyId),
                                document.scope().organization(), actor.subject(), data);
                    })
                    .map(stored -> new Submission(Submission.Kind.PENDING, null, toView(stored), List.of()));
        });
    }

    private Uni<PolicyChangeEntity> pendingChange(UUID changeId) {
        return changes.findLocked(changeId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("policy change " + changeId + " does not exist"))
                .flatMap(change -> {
                    if (!PolicyChangeEntity.PENDING.equals(change.status)) {
                        return Uni.createFrom().failure(ProblemException.conflict("policy change " + changeId + " is "
                                + change.status + ", not pending"));
                    }
                    if (!change.expiresAt.isAfter(Instant.now())) {
                        return Uni.createFrom().failure(ProblemException.conflict("policy change " + changeId
                                + " expired at " + change.expiresAt + " without approval; submit it again"));
                    }
                    return Uni.createFrom().item(change);
                });
    }

    /** Rejects with 409 naming both policies and the parameter when the hierarchy rules are broken. */
    private Uni<Void> requireNoConflict(PolicyDocument document, PolicyDocument previous) {
        return policiesAbove(document.scope()).flatMap(above -> {
            List<HierarchyRules.Violation> violations = HierarchyRules.check(document, previous, above);
            if (violations.isEmpty()) {
                return Uni.createFrom().voidItem();
            }
            String detail = String.join("; ", violations.stream().map(HierarchyRules.Violation::message).toList());
            List<FieldError> errors = violations.stream().map(v -> new FieldError(v.field(), v.message())).toList();
            return Uni.createFrom().failure(new ProblemException(409, "policy-conflict", "Policy conflicts with a higher scope",
                    detail, errors));
        });
    }

    /** Latest versions of the policies whose scopes are above {@code scope} and reach it. */
    private Uni<List<PolicyDocument>> policiesAbove(PolicyScope scope) {
        return switch (scope.level()) {
            case GLOBAL -> Uni.createFrom().item(List.of());
            case REGIONAL -> versions.listLatestAbove(null, List.of()).map(PolicyService::documents);
            case ORGANIZATION, TEAM -> organizations.findById(scope.organization()).flatMap(organization -> {
                if (organization == null) {
                    return Uni.createFrom().item(List.of());
                }
                return ancestors(organization, new ArrayList<>()).flatMap(ancestors -> {
                    List<String> above = new ArrayList<>(ancestors);
                    if (scope.level() == ScopeLevel.TEAM) {
                        above.add(organization.id);
                    }
                    return versions.listLatestAbove(organization.region, above).map(PolicyService::documents);
                });
            });
        };
    }

    private Uni<List<String>> ancestors(OrganizationEntity organization, List<String> found) {
        String parentId = organization.parentOrganization;
        if (parentId == null || found.contains(parentId) || found.size() >= MAX_ANCESTORS) {
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

    private static List<PolicyDocument> documents(List<PolicyVersionEntity> entities) {
        return entities.stream().map(PolicyService::document).toList();
    }

    private static boolean highScope(PolicyScope scope) {
        return scope.level() == ScopeLevel.GLOBAL || scope.level() == ScopeLevel.REGIONAL;
    }

    private Uni<Void> requireScopeOrganization(PolicyScope scope) {
        if (scope.organization() == null) {
            return Uni.createFrom().voidItem();
        }
        // Key share: the organisation cannot be removed until this submission committed (or rolled back).
        return organizations.findByIdKeyShare(scope.organization()).flatMap(organization -> organization == null
                ? Uni.createFrom().failure(ProblemException.invalidField("scope.organization",
                        "organization '" + scope.organization() + "' does not exist"))
                : Uni.createFrom().voidItem());
    }

    static PolicyDocument withVersion(PolicyDocument p, int version) {
        return new PolicyDocument(p.id(), p.name(), p.description(), version, p.scope(), p.type(), p.enforcement(),
                p.match(), p.params(), p.rules(), p.conditions(), p.constraints());
    }

    private static Map<String, Object> decision(PolicyChangeEntity change) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("change_id", change.id.toString());
        data.put("policy_id", change.policyId);
        data.put("proposed_version", change.proposedVersion);
        data.put("status", change.status);
        data.put("author", change.author);
        data.put("decided_by", change.decidedBy);
        data.put("comment", change.decisionComment);
        return data;
    }

    private static PolicyVersionEntity toEntity(PolicyDocument document) {
        PolicyVersionEntity entity = new PolicyVersionEntity();
        entity.policyId = document.id();
        entity.version = document.version();
        entity.scopeLevel = document.scope().level().wireName();
        entity.scopeRegion = document.scope().region();
        entity.scopeOrganization = document.scope().organization();
        entity.scopeTeam = document.scope().team();
        entity.document = new String(CanonicalJson.canonicalize(document), StandardCharsets.UTF_8);
        entity.sha256 = PolicyDocuments.sha256(document);
        entity.createdAt = now();
        return entity;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static StoredPolicy toStored(PolicyVersionEntity entity) {
        try {
            return new StoredPolicy(entity.policyId, entity.version, entity.sha256, entity.createdAt,
                    Json.mapper().readTree(entity.document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy " + entity.policyId + " v" + entity.version
                    + " is not readable", e);
        }
    }

    private static PolicyChange toView(PolicyChangeEntity entity) {
        try {
            return new PolicyChange(entity.id, entity.policyId, entity.baseVersion, entity.proposedVersion, entity.status,
                    entity.author, entity.authorOrganization, entity.createdAt, entity.expiresAt, entity.decidedBy,
                    entity.decidedAt, entity.decisionComment, readDiff(entity.diff), Json.mapper().readTree(entity.document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy change " + entity.id + " is not readable", e);
        }
    }

    private static PolicyDocument readDocument(String json, String policyId) {
        try {
            return Json.mapper().readValue(json, PolicyDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy " + policyId + " is not readable", e);
        }
    }

    private static JsonNode tree(PolicyDocument document) {
        return Json.mapper().valueToTree(document);
    }

    private static List<PolicyDiff.Change> readDiff(String json) {
        try {
            return Json.mapper().readValue(json, new TypeReference<List<PolicyDiff.Change>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored diff is not readable", e);
        }
    }

    private static String json(Object value) {
        try {
            return Json.mapper().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
