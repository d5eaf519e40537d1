package dev.polity.registry.sharing.service;

import dev.polity.contracts.events.EventTypes;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.model.service.ModelVersionService;
import dev.polity.registry.outbox.AuditEvents;
import dev.polity.registry.security.Actor;
import dev.polity.registry.sharing.repository.AccessGrantEntity;
import dev.polity.registry.sharing.repository.AccessGrantRepository;
import dev.polity.registry.sharing.repository.AccessRequestEntity;
import dev.polity.registry.sharing.repository.AccessRequestRepository;
import dev.polity.registry.sharing.repository.MembershipRepository;
import dev.polity.registry.sharing.service.AccessViews.AccessRequestList;
import dev.polity.registry.sharing.service.AccessViews.AccessRequestView;
import dev.polity.registry.sharing.service.AccessViews.GrantList;
import dev.polity.registry.sharing.service.AccessViews.GrantView;
import dev.polity.registry.sharing.service.AccessViews.NewAccessRequest;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * Access requests between organisations and the grants they lead to. A request is approved at once when
 * the requester is a trusted partner of the owner, or a research (academic) organisation, by the central
 * authority's tier, asking to use a research-approved (academic-approved) model for research or academic
 * work; otherwise it waits for the owner. Grants expire after the requested number of days and can be
 * revoked. Every step is audited on the model's subject.
 */
@ApplicationScoped
public class AccessService {

    private static final Logger LOG = Logger.getLogger(AccessService.class);
    public static final Set<String> INTENDED_USES = Set.of("research", "academic", "commercial", "evaluation", "internal");
    private static final Set<String> NON_COMMERCIAL = Set.of("research", "academic");
    private static final int MAX_DURATION_DAYS = 730;
    private static final String AUTO = "registry:auto-approval";

    private final ModelVersionService models;
    private final AccessRequestRepository requests;
    private final AccessGrantRepository grants;
    private final MembershipRepository membership;
    private final AuditEvents audit;

    AccessService(ModelVersionService models, AccessRequestRepository requests, AccessGrantRepository grants,
                  MembershipRepository membership, AuditEvents audit) {
        this.models = models;
        this.requests = requests;
        this.grants = grants;
        this.membership = membership;
        this.audit = audit;
    }

    public Uni<AccessRequestView> request(Actor actor, String org, String name, NewAccessRequest body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null) {
            throw ProblemException.invalidField("body", "is required");
        }
        if (body.purpose() == null || body.purpose().isBlank()) {
            errors.add(new FieldError("purpose", "is required"));
        }
        ModelVersionRules.checkLength("purpose", body.purpose(), 2000, errors);
        if (body.intendedUse() == null || !INTENDED_USES.contains(body.intendedUse())) {
            errors.add(new FieldError("intended_use", "must be one of academic, commercial, evaluation, internal, research"));
        }
        if (body.durationDays() == null || body.durationDays() < 1 || body.durationDays() > MAX_DURATION_DAYS) {
            errors.add(new FieldError("duration_days", "must be between 1 and " + MAX_DURATION_DAYS));
        }
        ModelVersionRules.checkLength("data_sharing_terms", body.dataSharingTerms(), 10_000, errors);
        ModelVersionRules.checkLength("requesting_team", body.requestingTeam(), 200, errors);
        ModelVersionRules.throwIfAny(errors);
        if (org.equals(actor.organization())) {
            throw ProblemException.conflict("organization '" + org + "' owns " + org + "/" + name + " and needs no access request");
        }
        Instant now = now();
        String subject = AuditEvents.modelSubject(org, name);
        return Panache.withTransaction(() -> models.requireVisibleModel(actor, org, name).chain(model -> {
            AccessRequestEntity request = new AccessRequestEntity();
            request.id = UUID.randomUUID();
            request.modelId = model.id;
            request.ownerOrganization = org;
            request.modelName = name;
            request.requestingOrganization = actor.organization();
            request.requestingTeam = body.requestingTeam() != null ? body.requestingTeam() : actor.team();
            request.requestedBy = actor.subject();
            request.purpose = body.purpose();
            request.intendedUse = body.intendedUse();
            request.durationDays = body.durationDays();
            request.dataSharingTerms = body.dataSharingTerms();
            request.state = "pending";
            request.createdAt = now;
            return autoApprovalRule(model, request).chain(rule -> requests.persist(request)
                    .call(() -> audit.record(EventTypes.ACCESS_REQUESTED, subject, org, actor.subject(), toView(request, null), now))
                    .chain(() -> {
                        if (rule == null) {
                            return Uni.createFrom().item(toView(request, null));
                        }
                        request.autoApprovalRule = rule;
                        return approve(request, AUTO, "auto-approved: " + rule.replace('_', ' '), now);
                    }));
        }));
    }

    public Uni<AccessRequestView> approve(Actor actor, String org, String name, UUID id, AccessViews.Decision body) {
        Instant now = now();
        return Panache.withTransaction(() -> requirePending(org, name, id).chain(request ->
                approve(request, actor.subject(), body == null ? null : body.reason(), now)));
    }

    public Uni<AccessRequestView> reject(Actor actor, String org, String name, UUID id, AccessViews.Decision body) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            throw ProblemException.invalidField("reason", "is required when rejecting");
        }
        Instant now = now();
        return Panache.withTransaction(() -> requirePending(org, name, id).chain(request -> {
            request.state = "rejected";
            request.decidedBy = actor.subject();
            request.decidedAt = now;
            request.decisionReason = body.reason();
            AccessRequestView view = toView(request, null);
            return audit.record(EventTypes.ACCESS_REJECTED, AuditEvents.modelSubject(org, name), org, actor.subject(), view, now)
                    .replaceWith(view);
        }));
    }

    /** The owner sees every request for the model; any other organisation its own. */
    public Uni<AccessRequestList> list(Actor actor, String org, String name) {
        return Panache.withSession(() -> modelFor(actor, org, name).chain(model -> {
            Uni<List<AccessRequestEntity>> found = org.equals(actor.organization()) ? requests.listForModel(model.id)
                    : requests.listForModelAndRequester(model.id, actor.organization());
            return found.chain(list -> grantsByRequest(model.id).map(byRequest -> new AccessRequestList(org, name,
                    list.stream().map(r -> toView(r, byRequest.get(r.id))).toList())));
        }));
    }

    public Uni<AccessRequestView> get(Actor actor, String org, String name, UUID id) {
        return Panache.withSession(() -> modelFor(actor, org, name).chain(model -> requests.findById(id).chain(request -> {
            if (request == null || !request.modelId.equals(model.id)
                    || !(org.equals(actor.organization()) || request.requestingOrganization.equals(actor.organization()))) {
                throw ProblemException.notFound(org + "/" + name + " has no access request " + id);
            }
            return grantsByRequest(model.id).map(byRequest -> toView(request, byRequest.get(request.id)));
        })));
    }

    public Uni<GrantList> grants(Actor actor, String org, String name) {
        Instant now = Instant.now();
        return Panache.withSession(() -> modelFor(actor, org, name).chain(model ->
                (org.equals(actor.organization()) ? grants.listForModel(model.id)
                        : grants.listForModelAndHolder(model.id, actor.organization()))
                        .map(list -> new GrantList(org, name, list.stream().map(g -> toView(g, now)).toList()))));
    }

    public Uni<GrantView> revoke(Actor actor, String org, String name, UUID id, AccessViews.Decision body) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            throw ProblemException.invalidField("reason", "is required when revoking");
        }
        Instant now = now();
        return Panache.withTransaction(() -> grants.findById(id, LockModeType.PESSIMISTIC_WRITE).chain(grant -> {
            if (grant == null || !grant.ownerOrganization.equals(org) || !grant.modelName.equals(name)) {
                throw ProblemException.notFound(org + "/" + name + " has no grant " + id);
            }
            if (grant.revokedAt != null) {
                throw ProblemException.conflict("grant " + id + " was already revoked");
            }
            grant.revokedAt = now;
            grant.revokedBy = actor.subject();
            grant.revocationReason = body.reason();
            GrantView view = toView(grant, now);
            return audit.record(EventTypes.ACCESS_REVOKED, AuditEvents.modelSubject(org, name), org, actor.subject(), view, now)
                    .replaceWith(view);
        }));
    }

    /** Audits grants that reached their expiry (they stopped being valid at {@code expires_at} already); the number recorded. */
    public Uni<Integer> recordExpiredGrants() {
        Instant now = now();
        return Panache.withTransaction(() -> grants.findExpiredUnrecorded(now, 100).chain(expired -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (AccessGrantEntity grant : expired) {
                grant.expiryRecordedAt = now;
                GrantView view = toView(grant, now);
                chain = chain.chain(() -> audit.record(EventTypes.ACCESS_EXPIRED,
                        AuditEvents.modelSubject(grant.ownerOrganization, grant.modelName), grant.ownerOrganization,
                        null, view, now));
            }
            return chain.replaceWith(expired.size());
        })).invoke(count -> {
            if (count > 0) {
                LOG.infof("%d access grant(s) expired", count);
            }
        });
    }

    /** The rule that approves the request without a person, or null. Call inside the transaction. */
    private Uni<String> autoApprovalRule(ModelEntity model, AccessRequestEntity request) {
        return membership.isTrustedPartner(model.organization, request.requestingOrganization).chain(trusted -> {
            if (trusted) {
                return Uni.createFrom().item("trusted_partner");
            }
            if (!NON_COMMERCIAL.contains(request.intendedUse)) {
                return Uni.createFrom().nullItem();
            }
            return membership.tierOf(request.requestingOrganization).map(tier -> {
                if ("research".equals(tier) && model.researchUseApproved) {
                    return "research_use";
                }
                if ("academic".equals(tier) && model.academicUseApproved) {
                    return "academic_use";
                }
                return null;
            });
        });
    }

    private Uni<AccessRequestView> approve(AccessRequestEntity request, String by, String reason, Instant now) {
        request.state = "approved";
        request.decidedBy = by;
        request.decidedAt = now;
        request.decisionReason = reason;
        AccessGrantEntity grant = new AccessGrantEntity();
        grant.id = UUID.randomUUID();
        grant.accessRequestId = request.id;
        grant.modelId = request.modelId;
        grant.ownerOrganization = request.ownerOrganization;
        grant.modelName = request.modelName;
        grant.organization = request.requestingOrganization;
        grant.team = request.requestingTeam;
        grant.intendedUse = request.intendedUse;
        grant.grantedBy = by;
        grant.grantedAt = now;
        grant.expiresAt = now.plus(Duration.ofDays(request.durationDays));
        AccessRequestView view = toView(request, toView(grant, now));
        String actor = AUTO.equals(by) ? null : by;
        return grants.persist(grant)
                .call(() -> audit.record(EventTypes.ACCESS_APPROVED, AuditEvents.modelSubject(request.ownerOrganization,
                        request.modelName), request.ownerOrganization, actor, view, now))
                .replaceWith(view);
    }

    private Uni<AccessRequestEntity> requirePending(String org, String name, UUID id) {
        return requests.findById(id, LockModeType.PESSIMISTIC_WRITE).map(request -> {
            if (request == null || !request.ownerOrganization.equals(org) || !request.modelName.equals(name)) {
                throw ProblemException.notFound(org + "/" + name + " has no access request " + id);
            }
            if (!"pending".equals(request.state)) {
                throw ProblemException.conflict("access request " + id + " is already " + request.state);
            }
            return request;
        });
    }

    private Uni<ModelEntity> modelFor(Actor actor, String org, String name) {
        return models.requireVisibleModel(actor, org, name);
    }

    private Uni<Map<UUID, GrantView>> grantsByRequest(long modelId) {
        Instant now = Instant.now();
        return grants.listForModel(modelId).map(list -> list.stream()
                .collect(Collectors.toMap(g -> g.accessRequestId, g -> toView(g, now), (a, b) -> a)));
    }

    static AccessRequestView toView(AccessRequestEntity r, GrantView grant) {
        return new AccessRequestView(r.id, r.ownerOrganization, r.modelName, r.requestingOrganization, r.requestingTeam,
                r.requestedBy, r.purpose, r.intendedUse, r.durationDays, r.dataSharingTerms, r.state, r.autoApprovalRule,
                r.decidedBy, r.decidedAt, r.decisionReason, r.createdAt, grant);
    }

    static GrantView toView(AccessGrantEntity g, Instant now) {
        String state = g.revokedAt != null ? "revoked" : now.isBefore(g.expiresAt) ? "active" : "expired";
        return new GrantView(g.id, g.accessRequestId, g.ownerOrganization, g.modelName, g.organization, g.team,
                g.intendedUse, g.grantedBy, g.grantedAt, g.expiresAt, state, g.revokedAt, g.revokedBy, g.revocationReason,
                g.usageCount);
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
