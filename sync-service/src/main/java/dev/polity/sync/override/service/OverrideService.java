package dev.polity.sync.override.service;

import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.common.Actor;
import dev.polity.sync.config.AuthoringConfig;
import dev.polity.sync.distribution.service.Republisher;
import dev.polity.sync.federation.service.FederationSettingsService;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.messaging.SyncEventTypes;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.override.repository.OverrideEntity;
import dev.polity.sync.override.repository.OverrideRepository;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Overrides: the only way around a blocking policy. Requested by a policy author, approved by a
 * second person (policy_approver, not the requester), active until they expire; every step is
 * audited, and approving, revoking or expiring one republishes the organisation's bundle.
 */
@ApplicationScoped
public class OverrideService {

    private static final Pattern TEAM = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    private final OverrideRepository overrides;
    private final OrganizationRepository organizations;
    private final PolicyVersionRepository policies;
    private final AuditEventPublisher audit;
    private final Republisher republisher;
    private final FederationSettingsService settings;
    private final AuthoringConfig config;

    public OverrideService(OverrideRepository overrides, OrganizationRepository organizations,
                           PolicyVersionRepository policies, AuditEventPublisher audit, Republisher republisher,
                           FederationSettingsService settings, AuthoringConfig config) {
        this.overrides = overrides;
        this.organizations = organizations;
        this.policies = policies;
        this.audit = audit;
        this.republisher = republisher;
        this.settings = settings;
        this.config = config;
    }

    @WithTransaction
    public Uni<Override> request(NewOverride request, Actor actor) {
        validate(request);
        return organizations.findById(request.organizationId())
                .onItem().ifNull().failWith(() -> ProblemException.invalidField("organization_id",
                        "organization '" + request.organizationId() + "' does not exist"))
                .flatMap(ignored -> policies.findLatest(request.policyId()))
                .onItem().ifNull().failWith(() -> ProblemException.invalidField("policy_id",
                        "policy '" + request.policyId() + "' does not exist"))
                .flatMap(ignored -> settings.current())
                .flatMap(current -> {
                    OverrideEntity entity = new OverrideEntity();
                    entity.id = UUID.randomUUID();
                    entity.policyId = request.policyId();
                    entity.organizationId = request.organizationId();
                    entity.teamId = request.teamId();
                    entity.reason = request.reason();
                    entity.requestedBy = actor.subject();
                    entity.status = OverrideEntity.PENDING;
                    entity.createdAt = now();
                    entity.approvalExpiresAt = now().plus(current.approvalTimeout());
                    entity.expiresAt = request.expiresAt().truncatedTo(ChronoUnit.MILLIS);
                    return overrides.persistAndFlush(entity);
                })
                .call(entity -> event(SyncEventTypes.OVERRIDE_REQUESTED, entity, actor))
                .map(OverrideService::toView);
    }

    /** @return the approved override; the caller kicks the publication worker after commit */
    @WithTransaction
    public Uni<Override> approve(UUID id, Actor approver) {
        return pending(id).flatMap(entity -> {
            if (entity.requestedBy.equals(approver.subject())) {
                return Uni.createFrom().failure(ProblemException.forbidden("'" + approver.subject()
                        + "' requested override " + id + " and cannot approve it; another policy_approver must"));
            }
            if (!entity.expiresAt.isAfter(Instant.now())) {
                return Uni.createFrom().failure(ProblemException.conflict("override " + id + " would already have ended at "
                        + entity.expiresAt));
            }
            entity.status = OverrideEntity.ACTIVE;
            entity.approver = approver.subject();
            entity.approvedAt = now();
            return event(SyncEventTypes.OVERRIDE_APPROVED, entity, approver)
                    .flatMap(ignored -> republisher.request(List.of(entity.organizationId), "override " + id + " approved"))
                    .map(ignored -> toView(entity));
        });
    }

    @WithTransaction
    public Uni<Override> reject(UUID id, Actor approver) {
        return pending(id).flatMap(entity -> {
            entity.status = OverrideEntity.REJECTED;
            entity.approver = approver.subject();
            entity.endedAt = now();
            return event(SyncEventTypes.OVERRIDE_REJECTED, entity, approver).map(ignored -> toView(entity));
        });
    }

    /** Ends an active override before its expiry; the bundle is republished without it. */
    @WithTransaction
    public Uni<Override> revoke(UUID id, Actor actor) {
        return overrides.findLocked(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("override " + id + " does not exist"))
                .flatMap(entity -> {
                    if (!OverrideEntity.ACTIVE.equals(entity.status)) {
                        return Uni.createFrom().failure(ProblemException.conflict("override " + id + " is " + entity.status
                                + ", not active"));
                    }
                    entity.status = OverrideEntity.REVOKED;
                    entity.endedAt = now();
                    return event(SyncEventTypes.OVERRIDE_REVOKED, entity, actor)
                            .flatMap(ignored -> republisher.request(List.of(entity.organizationId), "override " + id + " revoked"))
                            .map(ignored -> toView(entity));
                });
    }

    /**
     * Ends active overrides whose expiry has passed (their organisations' bundles are queued) and
     * pending requests nobody approved in time.
     *
     * @return how many active overrides ended (the caller kicks the publication worker if any)
     */
    @WithTransaction
    public Uni<Integer> expireDue() {
        Instant now = Instant.now();
        return overrides.activeExpiredBy(now).flatMap(ended -> overrides.pendingExpiredBy(now).flatMap(unapproved -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (OverrideEntity entity : ended) {
                entity.status = OverrideEntity.EXPIRED;
                entity.endedAt = now();
                chain = chain.flatMap(ignored -> event(SyncEventTypes.OVERRIDE_EXPIRED, entity, null))
                        .flatMap(ignored -> republisher.request(List.of(entity.organizationId),
                                "override " + entity.id + " expired"));
            }
            for (OverrideEntity entity : unapproved) {
                entity.status = OverrideEntity.EXPIRED;
                entity.endedAt = now();
                chain = chain.flatMap(ignored -> event(SyncEventTypes.OVERRIDE_EXPIRED, entity, null));
            }
            return chain.replaceWith(ended.size());
        }));
    }

    @WithSession
    public Uni<Override> get(UUID id) {
        return overrides.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("override " + id + " does not exist"))
                .map(OverrideService::toView);
    }

    @WithSession
    public Uni<List<Override>> search(String organizationId, String status) {
        return overrides.search(organizationId, status).map(list -> list.stream().map(OverrideService::toView).toList());
    }

    private Uni<OverrideEntity> pending(UUID id) {
        return overrides.findLocked(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("override " + id + " does not exist"))
                .flatMap(entity -> {
                    if (!OverrideEntity.PENDING.equals(entity.status)) {
                        return Uni.createFrom().failure(ProblemException.conflict("override " + id + " is "
                                + entity.status + ", not pending"));
                    }
                    if (!entity.approvalExpiresAt.isAfter(Instant.now())) {
                        return Uni.createFrom().failure(ProblemException.conflict("override request " + id
                                + " expired unapproved at " + entity.approvalExpiresAt));
                    }
                    return Uni.createFrom().item(entity);
                });
    }

    private void validate(NewOverride request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "an override is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.policyId() == null || request.policyId().isBlank()) {
            errors.add(new FieldError("policy_id", "is required"));
        }
        if (request.organizationId() == null || request.organizationId().isBlank()) {
            errors.add(new FieldError("organization_id", "is required"));
        }
        if (request.teamId() != null && !TEAM.matcher(request.teamId()).matches()) {
            errors.add(new FieldError("team_id", "must be 1-63 lower-case letters, digits or dashes"));
        }
        if (request.reason() == null || request.reason().isBlank()) {
            errors.add(new FieldError("reason", "is required: say why the policy must not apply"));
        } else if (request.reason().length() > 2000) {
            errors.add(new FieldError("reason", "is longer than 2000 characters"));
        }
        Instant now = Instant.now();
        if (request.expiresAt() == null) {
            errors.add(new FieldError("expires_at", "is required: every override ends"));
        } else if (!request.expiresAt().isAfter(now)) {
            errors.add(new FieldError("expires_at", "must be in the future"));
        } else if (request.expiresAt().isAfter(now.plus(config.overrideMaxDuration()))) {
            errors.add(new FieldError("expires_at", "must be within " + config.overrideMaxDuration().toDays() + " days"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private Uni<Void> event(String type, OverrideEntity entity, Actor actor) {
        return audit.publish(type, "override/" + entity.id, entity.organizationId, actor == null ? null : actor.subject(),
                toView(entity));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MILLIS);
    }

    static Override toView(OverrideEntity e) {
        return new Override(e.id, e.policyId, e.organizationId, e.teamId, e.reason, e.requestedBy, e.approver, e.status,
                e.createdAt, e.approvalExpiresAt, e.approvedAt, e.expiresAt, e.endedAt);
    }
}
