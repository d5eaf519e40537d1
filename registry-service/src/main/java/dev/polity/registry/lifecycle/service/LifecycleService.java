package dev.polity.registry.lifecycle.service;

import dev.polity.contracts.events.EventTypes;
import dev.polity.registry.lifecycle.repository.TransitionSignOffEntity;
import dev.polity.registry.lifecycle.repository.TransitionSignOffRepository;
import dev.polity.registry.lifecycle.repository.VersionHistoryEntity;
import dev.polity.registry.lifecycle.repository.VersionHistoryRepository;
import dev.polity.registry.lifecycle.repository.VersionTransitionEntity;
import dev.polity.registry.lifecycle.repository.VersionTransitionRepository;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.repository.ModelVersionEntity;
import dev.polity.registry.model.repository.ModelVersionRepository;
import dev.polity.registry.model.service.ModelVersionService;
import dev.polity.registry.model.service.Review;
import dev.polity.registry.model.service.RiskLevel;
import dev.polity.registry.model.service.VersionStatus;
import dev.polity.registry.outbox.AuditEvents;
import dev.polity.registry.security.Actor;
import dev.polity.registry.security.Roles;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Lifecycle transitions and their approval workflow. Every transition first asks the organisation's
 * policy node for a decision for the target environment (with the caller's token): a denied decision
 * stops it with the policy's reasons, a conditional one records its constraints. Versions of risk
 * level MEDIUM and above then wait for sign-offs by users holding the review roles (never the
 * requester, and one review per person). The move itself writes an append-only history entry; a
 * version promoted to production deprecates the one it replaces.
 */
@ApplicationScoped
public class LifecycleService {

    static final String COMPLETED = "completed";
    static final String DENIED = "denied";
    static final String REJECTED = "rejected";
    static final String STALE = "stale";
    static final String EXPIRED = "expired";
    private static final int MAX_REASON = 2000;
    /** Targets only an ml_engineer may move to (production deploy, rollback, deprecation, retirement). */
    private static final Set<VersionStatus> ML_ENGINEER_TARGETS =
            Set.of(VersionStatus.PRODUCTION, VersionStatus.DEPRECATED, VersionStatus.RETIRED);

    private final ModelVersionService modelService;
    private final ModelVersionRepository versions;
    private final VersionTransitionRepository transitions;
    private final TransitionSignOffRepository signOffs;
    private final VersionHistoryRepository history;
    private final PolicyNodeClient node;
    private final AuditEvents audit;
    private final dev.polity.registry.model.service.ModelVersionMapper mapper;

    LifecycleService(ModelVersionService modelService, ModelVersionRepository versions, VersionTransitionRepository transitions,
                     TransitionSignOffRepository signOffs, VersionHistoryRepository history, PolicyNodeClient node,
                     AuditEvents audit, dev.polity.registry.model.service.ModelVersionMapper mapper) {
        this.modelService = modelService;
        this.versions = versions;
        this.transitions = transitions;
        this.signOffs = signOffs;
        this.history = history;
        this.node = node;
        this.audit = audit;
        this.mapper = mapper;
    }

    /** What the transition needs from the version, read before the node is asked. */
    private record Context(long versionId, VersionStatus from, VersionStatus target, RiskLevel risk,
                           Map<String, Object> decisionRequest) {
    }

    /**
     * Requests a transition of {@code org/name/version}; {@code actor} belongs to {@code org}. The result's
     * state is {@code completed}, {@code pending_review} or {@code denied} (then nothing moved).
     */
    public Uni<TransitionView> request(Actor actor, String org, String name, String version, TransitionRequest body) {
        List<FieldError> errors = new ArrayList<>();
        VersionStatus target = null;
        if (body == null) {
            errors.add(new FieldError("body", "is required"));
        } else {
            target = VersionStatus.fromWire(body.target());
            if (body.target() == null || body.target().isBlank()) {
                errors.add(new FieldError("target", "is required"));
            } else if (target == null || target == VersionStatus.DEVELOPMENT) {
                errors.add(new FieldError("target", "must be one of staging, production, deprecated, retired"));
            }
            if (body.reason() == null || body.reason().isBlank()) {
                errors.add(new FieldError("reason", "is required"));
            } else if (body.reason().length() > MAX_REASON) {
                errors.add(new FieldError("reason", "is longer than " + MAX_REASON + " characters"));
            }
        }
        if (!errors.isEmpty()) {
            return Uni.createFrom().failure(ProblemException.invalid(errors));
        }
        VersionStatus wanted = target;
        if (ML_ENGINEER_TARGETS.contains(wanted) && !actor.hasRole(Roles.ML_ENGINEER)) {
            return Uni.createFrom().failure(ProblemException.forbidden("moving a version to " + wanted.wireName()
                    + " needs the ml_engineer role"));
        }
        return Panache.withSession(() -> context(actor, org, name, version, wanted))
                .chain(context -> node.decide(org, context.decisionRequest(), actor.bearerToken())
                        .chain(decision -> Panache.withTransaction(() -> record(actor, org, name, version, body.reason(),
                                context, decision))));
    }

    /** Signs a pending transition off (or rejects it); the last required sign-off completes it. */
    public Uni<TransitionView> signOff(Actor actor, String org, String name, String version, UUID id, SignOffRequest body) {
        if (body == null) {
            return Uni.createFrom().failure(ProblemException.invalidField("body", "is required"));
        }
        boolean approved = body.approved() == null || body.approved();
        if (!approved && (body.comment() == null || body.comment().isBlank())) {
            return Uni.createFrom().failure(ProblemException.invalidField("comment", "is required when rejecting"));
        }
        if (body.comment() != null && body.comment().length() > MAX_REASON) {
            return Uni.createFrom().failure(ProblemException.invalidField("comment", "is longer than " + MAX_REASON + " characters"));
        }
        Instant now = now();
        return Panache.withTransaction(() -> transitions.findById(id, LockModeType.PESSIMISTIC_WRITE)
                .chain(transition -> {
                    if (transition == null || !transition.organization.equals(org) || !transition.modelName.equals(name)
                            || !transition.version.equals(version)) {
                        throw ProblemException.notFound("version " + version + " of " + org + "/" + name + " has no transition " + id);
                    }
                    if (!VersionTransitionRepository.PENDING_REVIEW.equals(transition.state)) {
                        throw ProblemException.conflict("transition " + id + " is " + transition.state + "; only pending transitions take sign-offs");
                    }
                    if (transition.requestedBy.equals(actor.subject())) {
                        throw ProblemException.forbidden("the person who asked for a transition cannot sign it off");
                    }
                    return signOffs.listFor(id).chain(existing -> {
                        Review review = reviewOf(actor, transition, existing, body.review());
                        if (existing.stream().anyMatch(signOff -> signOff.signedBy.equals(actor.subject()))) {
                            throw ProblemException.forbidden("'" + actor.subject() + "' already signed this transition off; "
                                    + "each review needs another person");
                        }
                        TransitionSignOffEntity signOff = new TransitionSignOffEntity();
                        signOff.transitionId = id;
                        signOff.review = review.wireName();
                        signOff.role = review.role();
                        signOff.approved = approved;
                        signOff.comment = body.comment();
                        signOff.signedBy = actor.subject();
                        signOff.signedAt = now;
                        List<TransitionSignOffEntity> all = new ArrayList<>(existing);
                        all.add(signOff);
                        return signOffs.persist(signOff).chain(() -> {
                            if (!approved) {
                                transition.state = REJECTED;
                                transition.closedAt = now;
                                transition.closedBy = actor.subject();
                                TransitionView view = toView(transition, all);
                                return audit.record(EventTypes.MODEL_TRANSITION_DENIED, AuditEvents.modelSubject(org, name), org,
                                        actor.subject(), view, now).replaceWith(view);
                            }
                            Uni<Void> signed = audit.record(EventTypes.MODEL_TRANSITION_SIGNED_OFF, AuditEvents.modelSubject(org, name),
                                    org, actor.subject(), toView(transition, all), now);
                            if (!pending(transition, all).isEmpty()) {
                                return signed.replaceWith(() -> toView(transition, all));
                            }
                            return signed.chain(() -> complete(transition, all, actor.subject(), now))
                                    .map(ignored -> toView(transition, all));
                        });
                    });
                }));
    }

    public Uni<TransitionList> list(Actor actor, String org, String name, String version) {
        return Panache.withSession(() -> requireVersion(actor, org, name, version)
                .chain(entity -> transitions.listNewestFirst(entity.id))
                .chain(list -> signOffs.listFor(list.stream().map(t -> t.id).toList()).map(all -> {
                    Map<UUID, List<TransitionSignOffEntity>> byTransition = all.stream()
                            .collect(Collectors.groupingBy(s -> s.transitionId));
                    return new TransitionList(org, name, version, list.stream()
                            .map(t -> toView(t, byTransition.getOrDefault(t.id, List.of()))).toList());
                })));
    }

    public Uni<TransitionView> get(Actor actor, String org, String name, String version, UUID id) {
        return Panache.withSession(() -> requireVersion(actor, org, name, version)
                .chain(entity -> transitions.findById(id).chain(transition -> {
                    if (transition == null || !transition.versionId.equals(entity.id)) {
                        throw ProblemException.notFound("version " + version + " of " + org + "/" + name + " has no transition " + id);
                    }
                    return signOffs.listFor(id).map(list -> toView(transition, list));
                })));
    }

    public Uni<VersionHistory> history(Actor actor, String org, String name, String version) {
        return Panache.withSession(() -> requireVersion(actor, org, name, version)
                .chain(entity -> history.listOldestFirst(entity.id)
                        .map(list -> new VersionHistory(org, name, version, entity.status,
                                list.stream().map(LifecycleService::toView).toList()))));
    }

    /** History entries of a version, for the model card; call inside a session. */
    public Uni<List<HistoryEntryView>> historyOf(long versionId) {
        return history.listOldestFirst(versionId).map(list -> list.stream().map(LifecycleService::toView).toList());
    }

    /** Completed transitions of a version with their sign-offs, for the model card; call inside a session. */
    public Uni<List<TransitionView>> approvalsOf(long versionId) {
        return transitions.listNewestFirst(versionId)
                .chain(list -> signOffs.listFor(list.stream().map(t -> t.id).toList()).map(all -> {
                    Map<UUID, List<TransitionSignOffEntity>> byTransition = all.stream()
                            .collect(Collectors.groupingBy(s -> s.transitionId));
                    return list.stream().filter(t -> COMPLETED.equals(t.state))
                            .map(t -> toView(t, byTransition.getOrDefault(t.id, List.of()))).toList();
                }));
    }

    private Uni<ModelVersionEntity> requireVersion(Actor actor, String org, String name, String version) {
        return modelService.requireVisibleModel(actor, org, name)
                .chain(model -> versions.findVersion(model.id, version))
                .map(entity -> {
                    if (entity == null) {
                        throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
                    }
                    return entity;
                });
    }

    private Uni<Context> context(Actor actor, String org, String name, String version, VersionStatus target) {
        return modelService.requireModel(org, name).chain(model -> versions.findVersion(model.id, version).chain(entity -> {
            if (entity == null) {
                throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
            }
            VersionStatus from = VersionStatus.fromWire(entity.status);
            if (!from.canMoveTo(target)) {
                List<String> next = from.nextWireNames();
                throw ProblemException.conflict("version " + version + " is " + from.wireName() + " and cannot move to "
                        + target.wireName() + (next.isEmpty() ? "; it is at the end of its lifecycle"
                        : "; from " + from.wireName() + " it can move to " + String.join(", ", next)));
            }
            return transitions.findOpen(entity.id).map(open -> {
                if (open != null) {
                    throw ProblemException.conflict("version " + version + " already has transition " + open.id + " to "
                            + open.toStatus + " waiting for sign-offs");
                }
                return new Context(entity.id, from, target, RiskLevel.fromWire(entity.riskLevel),
                        decisionRequest(actor, model, entity, from, target));
            });
        }));
    }

    private Map<String, Object> decisionRequest(Actor actor, ModelEntity model, ModelVersionEntity version,
                                                VersionStatus from, VersionStatus target) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", model.name);
        metadata.put("version", version.version);
        putIfPresent(metadata, "framework", version.framework);
        putIfPresent(metadata, "model_type", version.modelType);
        putIfPresent(metadata, "description", version.description);
        putIfPresent(metadata, "domain", model.domain);
        metadata.put("tags", model.tags == null ? List.of() : model.tags);
        metadata.put("access_level", model.accessLevel);
        metadata.put("risk_level", version.riskLevel);
        metadata.put("risk_score", version.riskScore);
        putIfPresent(metadata, "training_data", version.trainingData);
        putIfPresent(metadata, "fairness_metrics", version.fairnessMetrics);
        putIfPresent(metadata, "performance_metrics", version.performanceMetrics);
        putIfPresent(metadata, "model_card", version.modelCard);
        putIfPresent(metadata, "lineage", version.lineage);
        putIfPresent(metadata, "artifact_sha256", version.artifactSha256);
        putIfPresent(metadata, "created_by", version.createdBy);
        Map<String, Object> deployment = new LinkedHashMap<>();
        deployment.put("environment", target.wireName());
        deployment.put("current_status", from.wireName());
        deployment.put("rollback", from.isRollbackTo(target));
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("model_id", model.organization + "/" + model.name);
        request.put("organization_id", model.organization);
        String team = actor.team() != null ? actor.team() : model.owningTeam;
        putIfPresent(request, "team_id", team);
        request.put("model_metadata", metadata);
        request.put("deployment_context", deployment);
        request.put("requested_permissions", List.of("model:transition:" + target.wireName()));
        return request;
    }

    private static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }

    private Uni<TransitionView> record(Actor actor, String org, String name, String version, String reason, Context context,
                                       PolicyDecision decision) {
        Instant now = now();
        VersionTransitionEntity transition = new VersionTransitionEntity();
        transition.id = UUID.randomUUID();
        transition.versionId = context.versionId();
        transition.organization = org;
        transition.modelName = name;
        transition.version = version;
        transition.fromStatus = context.from().wireName();
        transition.toStatus = context.target().wireName();
        transition.rollback = context.from().isRollbackTo(context.target());
        transition.reason = reason;
        transition.requestedBy = actor.subject();
        transition.requestedAt = now;
        transition.riskLevel = context.risk().wireName();
        transition.requiredReviews = context.risk().reviews().stream().map(Review::wireName).toArray(String[]::new);
        transition.decisionId = decision.decisionId();
        transition.decisionOutcome = decision.outcome();
        transition.bundleRevision = decision.bundleRevision();
        transition.decision = decision.raw();
        transition.conditions = decision.conditions().toArray(String[]::new);
        transition.constraints = decision.constraints();
        String subject = AuditEvents.modelSubject(org, name);
        if (decision.denied()) {
            transition.state = DENIED;
            transition.closedAt = now;
            transition.closedBy = actor.subject();
            TransitionView view = toView(transition, List.of());
            return transitions.persist(transition)
                    .call(() -> audit.record(EventTypes.MODEL_TRANSITION_DENIED, subject, org, actor.subject(), view, now))
                    .replaceWith(view);
        }
        if (transition.requiredReviews.length > 0) {
            transition.state = VersionTransitionRepository.PENDING_REVIEW;
            TransitionView view = toView(transition, List.of());
            return transitions.persist(transition)
                    .call(() -> transitions.flush())
                    .call(() -> audit.record(EventTypes.MODEL_TRANSITION_REQUESTED, subject, org, actor.subject(), view, now))
                    .replaceWith(view);
        }
        transition.state = COMPLETED;
        return transitions.persist(transition)
                .chain(() -> complete(transition, List.of(), actor.subject(), now))
                .map(ignored -> toView(transition, List.of()));
    }

    /**
     * Moves the version (locked) if it is still where the transition started; otherwise marks the
     * transition stale. A version promoted to production first deprecates the current production version.
     */
    private Uni<Void> complete(VersionTransitionEntity transition, List<TransitionSignOffEntity> signed, String mover, Instant now) {
        return versions.findById(transition.versionId, LockModeType.PESSIMISTIC_WRITE).chain(version -> {
            if (decisionExpired(transition, now)) {
                // The node's decision no longer holds (policies may have changed): ask again with a new transition.
                transition.state = EXPIRED;
                transition.closedAt = now;
                transition.closedBy = mover;
                return Uni.createFrom().voidItem();
            }
            if (!version.status.equals(transition.fromStatus)) {
                transition.state = STALE;
                transition.closedAt = now;
                transition.closedBy = mover;
                return Uni.createFrom().voidItem();
            }
            transition.state = COMPLETED;
            transition.closedAt = now;
            transition.closedBy = mover;
            List<Map<String, Object>> signOffDocs = signed.stream().map(LifecycleService::signOffDocument).toList();
            Uni<Void> demoted = Uni.createFrom().voidItem();
            if (VersionStatus.PRODUCTION.wireName().equals(transition.toStatus)) {
                demoted = versions.findInStatus(version.modelId, VersionStatus.PRODUCTION.wireName())
                        .chain(current -> {
                            Uni<Void> chain = Uni.createFrom().voidItem();
                            for (ModelVersionEntity previous : current) {
                                if (!previous.id.equals(version.id)) {
                                    chain = chain.chain(() -> move(previous, VersionStatus.DEPRECATED.wireName(), transition,
                                            "superseded by version " + version.version + ": " + transition.reason,
                                            true, List.of(), mover, now));
                                }
                            }
                            return chain;
                        })
                        .call(() -> versions.flush());
            }
            return demoted.chain(() -> move(version, transition.toStatus, transition, transition.reason, false, signOffDocs,
                    mover, now));
        });
    }

    private static boolean decisionExpired(VersionTransitionEntity transition, Instant now) {
        Object expiresAt = transition.decision == null ? null : transition.decision.get("expires_at");
        if (expiresAt == null) {
            return false;
        }
        try {
            return Instant.parse(expiresAt.toString()).isBefore(now);
        } catch (java.time.DateTimeException e) {
            return false;
        }
    }

    private Uni<Void> move(ModelVersionEntity version, String to, VersionTransitionEntity transition, String reason,
                           boolean automatic, List<Map<String, Object>> signOffDocs, String mover, Instant now) {
        String from = version.status;
        version.status = to;
        version.statusChangedAt = now;
        boolean conditional = !automatic && transition.constraints != null && !transition.constraints.isEmpty();
        version.deploymentConstraints = conditional ? transition.constraints : null;
        VersionHistoryEntity entry = new VersionHistoryEntity();
        entry.versionId = version.id;
        entry.fromStatus = from;
        entry.toStatus = to;
        entry.movedBy = mover;
        entry.movedAt = now;
        entry.reason = reason;
        entry.transitionId = transition.id;
        entry.rollback = !automatic && transition.rollback;
        entry.automatic = automatic;
        entry.decisionId = transition.decisionId;
        entry.decisionOutcome = transition.decisionOutcome;
        entry.bundleRevision = transition.bundleRevision;
        entry.constraints = conditional ? transition.constraints : null;
        entry.signOffs = Map.of("items", signOffDocs);
        Transitioned event = new Transitioned(version.organization, version.modelName, version.version, toView(entry),
                transition.requestedBy, mapper.toView(version));
        return history.persist(entry)
                .call(() -> audit.record(EventTypes.MODEL_TRANSITIONED, AuditEvents.modelSubject(version.organization,
                        version.modelName), version.organization, mover, event, now))
                .replaceWithVoid();
    }

    /** The data of a {@code polity.model.transitioned} event. */
    public record Transitioned(String organization, String name, String version, HistoryEntryView move, String requestedBy,
                               dev.polity.registry.model.service.ModelVersionView versionAfter) {
    }

    private static Review reviewOf(Actor actor, VersionTransitionEntity transition, List<TransitionSignOffEntity> existing,
                                   String named) {
        List<Review> pending = pending(transition, existing);
        if (named != null) {
            Review review = Review.fromWire(named);
            if (review == null) {
                throw ProblemException.invalidField("review", "must be one of security_review, compliance_check, stakeholder_review");
            }
            if (!List.of(transition.requiredReviews).contains(review.wireName())) {
                throw ProblemException.invalidField("review", "is not needed: a " + transition.riskLevel + " risk transition needs "
                        + (transition.requiredReviews.length == 0 ? "no reviews" : String.join(", ", transition.requiredReviews)));
            }
            if (!actor.hasRole(review.role())) {
                throw ProblemException.forbidden("a " + review.wireName() + " needs the " + review.role() + " role");
            }
            if (!pending.contains(review)) {
                throw ProblemException.conflict("the " + review.wireName() + " of transition " + transition.id + " is already signed");
            }
            return review;
        }
        List<Review> mine = pending.stream().filter(review -> actor.hasRole(review.role())).toList();
        if (mine.size() == 1) {
            return mine.get(0);
        }
        if (mine.isEmpty()) {
            throw ProblemException.forbidden("none of the pending reviews (" + pending.stream().map(Review::wireName)
                    .collect(Collectors.joining(", ")) + ") matches the caller's roles");
        }
        throw ProblemException.invalidField("review", "is required: the caller could sign " + mine.stream()
                .map(Review::wireName).collect(Collectors.joining(" or ")));
    }

    private static List<Review> pending(VersionTransitionEntity transition, List<TransitionSignOffEntity> signed) {
        Set<String> done = signed.stream().filter(s -> s.approved).map(s -> s.review).collect(Collectors.toSet());
        return List.of(transition.requiredReviews).stream().filter(review -> !done.contains(review)).map(Review::fromWire).toList();
    }

    private static Map<String, Object> signOffDocument(TransitionSignOffEntity signOff) {
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("review", signOff.review);
        document.put("role", signOff.role);
        document.put("approved", signOff.approved);
        document.put("signed_by", signOff.signedBy);
        document.put("signed_at", signOff.signedAt.toString());
        if (signOff.comment != null) {
            document.put("comment", signOff.comment);
        }
        return document;
    }

    static TransitionView toView(VersionTransitionEntity transition, List<TransitionSignOffEntity> signed) {
        List<String> pendingReviews = VersionTransitionRepository.PENDING_REVIEW.equals(transition.state)
                ? pending(transition, signed).stream().map(Review::wireName).toList() : null;
        return new TransitionView(transition.id, transition.organization, transition.modelName, transition.version,
                transition.fromStatus, transition.toStatus, transition.rollback, transition.reason, transition.requestedBy,
                transition.requestedAt, transition.state, transition.riskLevel, List.of(transition.requiredReviews), pendingReviews,
                signed.stream().map(s -> new TransitionView.SignOffView(s.review, s.role, s.approved, s.comment, s.signedBy,
                        s.signedAt)).toList(),
                transition.decisionId == null ? null : new TransitionView.DecisionSummary(transition.decisionId,
                        transition.decisionOutcome, transition.bundleRevision,
                        transition.conditions == null ? List.of() : List.of(transition.conditions), transition.constraints,
                        DENIED.equals(transition.state) && transition.decision != null
                                ? PolicyDecision.of(transition.decision).reasons() : null),
                transition.closedAt, transition.closedBy);
    }

    static HistoryEntryView toView(VersionHistoryEntity entry) {
        return new HistoryEntryView(entry.fromStatus, entry.toStatus, entry.movedBy, entry.movedAt, entry.reason,
                entry.transitionId, entry.rollback, entry.automatic, entry.decisionId, entry.decisionOutcome,
                entry.bundleRevision, entry.constraints, signOffsOf(entry));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> signOffsOf(VersionHistoryEntity entry) {
        Object items = entry.signOffs == null ? null : entry.signOffs.get("items");
        return items instanceof List<?> list ? (List<Map<String, Object>>) list : List.of();
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
