package dev.polity.registry.sharing.service;

import dev.polity.contracts.events.EventTypes;
import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.outbox.AuditEvents;
import dev.polity.registry.security.Actor;
import dev.polity.registry.sharing.repository.MembershipRepository;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Collaboration agreements and consortia, which decide who sees {@code organization} and {@code consortium}
 * models. An organisation only ever opens its own models: a collaboration is declared by the organisation
 * whose models become visible, and a consortium membership counts once the consortium's owner invited the
 * organisation and the organisation accepted. Every change is audited.
 */
@ApplicationScoped
public class MembershipService {

    private final MembershipRepository membership;
    private final AuditEvents audit;

    MembershipService(MembershipRepository membership, AuditEvents audit) {
        this.membership = membership;
        this.audit = audit;
    }

    /** The body of {@code PUT /api/v1/collaborations/{partner}}. */
    public record CollaborationRequest(Boolean trusted) {
    }

    /** The caller's collaborations: whom it opened its models to, and who opened theirs to it. */
    public record Collaborations(String organization, List<Partner> sharesWith, List<Partner> sharedBy) {
    }

    public record Partner(String organization, boolean trusted, String source, String createdBy, Instant createdAt) {
    }

    public record NewConsortium(String id, String name) {
    }

    public record ConsortiumView(String id, String name, String ownerOrganization, Instant createdAt, List<MemberView> members) {
    }

    public record MemberView(String organization, String state, String source, String invitedBy, Instant invitedAt,
                             String acceptedBy, Instant acceptedAt) {
    }

    public Uni<Collaborations> collaborations(Actor actor) {
        return Panache.withSession(() -> membership.collaborationsOf(actor.organization())).map(all -> {
            List<Partner> sharesWith = new ArrayList<>();
            List<Partner> sharedBy = new ArrayList<>();
            for (MembershipRepository.Collaboration c : all) {
                if (c.organization().equals(actor.organization())) {
                    sharesWith.add(new Partner(c.partner(), c.trusted(), c.source(), c.createdBy(), c.createdAt()));
                } else {
                    sharedBy.add(new Partner(c.organization(), c.trusted(), c.source(), c.createdBy(), c.createdAt()));
                }
            }
            return new Collaborations(actor.organization(), sharesWith, sharedBy);
        });
    }

    /** Declares (or changes) that the caller's organization-level models are visible to {@code partner}. */
    public Uni<Collaborations> putCollaboration(Actor actor, String partner, CollaborationRequest request) {
        List<FieldError> errors = new ArrayList<>();
        ModelVersionRules.checkName("partner", partner, errors);
        ModelVersionRules.throwIfAny(errors);
        if (partner.equals(actor.organization())) {
            throw ProblemException.invalidField("partner", "must be another organisation");
        }
        boolean trusted = request != null && Boolean.TRUE.equals(request.trusted());
        Instant now = now();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("organization", actor.organization());
        data.put("partner", partner);
        data.put("trusted", trusted);
        data.put("change", "declared");
        return Panache.withTransaction(() -> membership.putCollaboration(actor.organization(), partner, trusted,
                        MembershipRepository.REGISTRY, actor.subject(), now)
                .call(() -> audit.record(EventTypes.COLLABORATION_CHANGED, "organization/" + actor.organization(),
                        actor.organization(), actor.subject(), data, now)))
                .chain(() -> collaborations(actor));
    }

    /** Withdraws the caller's collaboration with {@code partner} (declared through the registry). */
    public Uni<Collaborations> deleteCollaboration(Actor actor, String partner) {
        Instant now = now();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("organization", actor.organization());
        data.put("partner", partner);
        data.put("change", "withdrawn");
        return Panache.withTransaction(() -> membership.deleteCollaboration(actor.organization(), partner, MembershipRepository.REGISTRY)
                .call(deleted -> {
                    if (deleted == 0) {
                        throw ProblemException.notFound("organization '" + actor.organization() + "' has no collaboration with '"
                                + partner + "' declared through the registry");
                    }
                    return audit.record(EventTypes.COLLABORATION_CHANGED, "organization/" + actor.organization(),
                            actor.organization(), actor.subject(), data, now);
                }))
                .chain(() -> collaborations(actor));
    }

    /** Creates a consortium owned by the caller's organisation, which is its first member. */
    public Uni<ConsortiumView> createConsortium(Actor actor, NewConsortium request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw ProblemException.invalidField("body", "is required");
        }
        ModelVersionRules.checkName("id", request.id(), errors);
        ModelVersionRules.checkLength("name", request.name(), 200, errors);
        ModelVersionRules.throwIfAny(errors);
        Instant now = now();
        return Panache.withTransaction(() -> membership.createConsortium(request.id(), request.name(), actor.organization(),
                        actor.subject(), now)
                .chain(created -> {
                    if (!created) {
                        throw ProblemException.conflict("consortium '" + request.id() + "' already exists");
                    }
                    return view(request.id());
                })
                .call(view -> audit.record(EventTypes.CONSORTIUM_CHANGED, "consortium/" + request.id(), actor.organization(),
                        actor.subject(), Map.of("change", "created", "consortium", view), now)));
    }

    public Uni<ConsortiumView> consortium(String id) {
        return Panache.withSession(() -> view(id));
    }

    /**
     * The consortium's owner invites {@code organization}; the invited organisation accepts by making the
     * same call for itself. Anyone else gets 403.
     */
    public Uni<ConsortiumView> putMember(Actor actor, String id, String organization) {
        Instant now = now();
        return Panache.withTransaction(() -> requireConsortium(id).chain(consortium -> {
            String change;
            Uni<Void> write;
            if (organization.equals(actor.organization()) && !organization.equals(consortium.ownerOrganization())) {
                change = "accepted";
                write = membership.accept(id, organization, actor.subject(), now).invoke(accepted -> {
                    if (accepted == 0) {
                        throw ProblemException.conflict("organization '" + organization + "' has no pending invitation to consortium '" + id + "'");
                    }
                }).replaceWithVoid();
            } else if (actor.organization().equals(consortium.ownerOrganization())) {
                ModelVersionRules.throwIfAny(nameErrors("organization", organization));
                change = "invited";
                write = membership.invite(id, organization, actor.subject(), now);
            } else {
                throw ProblemException.forbidden("only the owner of consortium '" + id + "' invites members, and only the "
                        + "invited organisation accepts");
            }
            return write.chain(() -> view(id))
                    .call(view -> audit.record(EventTypes.CONSORTIUM_CHANGED, "consortium/" + id, actor.organization(),
                            actor.subject(), Map.of("change", change, "organization", organization, "consortium", view), now));
        }));
    }

    /** The owner removes a member, or a member leaves. */
    public Uni<ConsortiumView> removeMember(Actor actor, String id, String organization) {
        Instant now = now();
        return Panache.withTransaction(() -> requireConsortium(id).chain(consortium -> {
            boolean owner = actor.organization().equals(consortium.ownerOrganization());
            if (!owner && !organization.equals(actor.organization())) {
                throw ProblemException.forbidden("only the owner of consortium '" + id + "' removes other members");
            }
            if (organization.equals(consortium.ownerOrganization())) {
                throw ProblemException.conflict("the owner of consortium '" + id + "' cannot leave it");
            }
            return membership.removeMember(id, organization).chain(removed -> {
                if (removed == 0) {
                    throw ProblemException.notFound("organization '" + organization + "' is not in consortium '" + id + "'");
                }
                return view(id);
            }).call(view -> audit.record(EventTypes.CONSORTIUM_CHANGED, "consortium/" + id, actor.organization(),
                    actor.subject(), Map.of("change", owner ? "removed" : "left", "organization", organization, "consortium", view), now));
        }));
    }

    private Uni<MembershipRepository.Consortium> requireConsortium(String id) {
        return membership.findConsortium(id).map(consortium -> {
            if (consortium == null) {
                throw ProblemException.notFound("no consortium '" + id + "'");
            }
            return consortium;
        });
    }

    private Uni<ConsortiumView> view(String id) {
        return requireConsortium(id).chain(consortium -> membership.membersOf(id).map(members -> new ConsortiumView(
                consortium.id(), consortium.name(), consortium.ownerOrganization(), consortium.createdAt(),
                members.stream().map(m -> new MemberView(m.organization(), m.acceptedAt() == null ? "invited" : "member",
                        m.source(), m.invitedBy(), m.invitedAt(), m.acceptedBy(), m.acceptedAt())).toList())));
    }

    private static List<FieldError> nameErrors(String field, String value) {
        List<FieldError> errors = new ArrayList<>();
        ModelVersionRules.checkName(field, value, errors);
        return errors;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
