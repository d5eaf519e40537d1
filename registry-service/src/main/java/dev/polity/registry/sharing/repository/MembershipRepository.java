package dev.polity.registry.sharing.repository;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Federation membership as the registry needs it: organisations (tier from the central authority),
 * collaboration agreements and consortia. Plain SQL on the current Hibernate Reactive session, so
 * that a change and its audit event commit together. Call inside a session or transaction.
 */
@ApplicationScoped
public class MembershipRepository {

    public static final String REGISTRY = "registry";
    public static final String FEDERATION = "federation";

    /** An organisation as last published by the central authority. */
    public record Organization(String id, String name, String tier, String region, String parentOrganization) {
    }

    /** One direction of a collaboration: {@code organization}'s models are visible to {@code partner}. */
    public record Collaboration(String organization, String partner, boolean trusted, String source, String createdBy,
                                Instant createdAt) {
    }

    public record Consortium(String id, String name, String ownerOrganization, String createdBy, Instant createdAt) {
    }

    public record Member(String organization, String source, String invitedBy, Instant invitedAt, String acceptedBy,
                         Instant acceptedAt) {
    }

    public Uni<Void> upsertOrganization(Organization organization, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into organization (id, name, tier, region, parent_organization, updated_at)
                        values (?1, ?2, ?3, ?4, ?5, ?6)
                        on conflict (id) do update set name = excluded.name, tier = excluded.tier, region = excluded.region,
                            parent_organization = excluded.parent_organization, updated_at = excluded.updated_at""")
                .setParameter(1, organization.id())
                .setParameter(2, organization.name())
                .setParameter(3, organization.tier())
                .setParameter(4, organization.region())
                .setParameter(5, organization.parentOrganization())
                .setParameter(6, now)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Void> deleteOrganization(String id) {
        return Panache.getSession().chain(session -> session.createNativeQuery("delete from organization where id = ?1")
                .setParameter(1, id).executeUpdate()).replaceWithVoid();
    }

    public Uni<String> tierOf(String organization) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select tier from organization where id = ?1", String.class)
                .setParameter(1, organization)
                .getResultList())
                .map(list -> list.isEmpty() ? null : list.get(0));
    }

    public Uni<Boolean> isTrustedPartner(String owner, String partner) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select count(*) from collaboration where organization = ?1 and partner = ?2 and trusted", Long.class)
                .setParameter(1, owner)
                .setParameter(2, partner)
                .getSingleResult())
                .map(count -> count > 0);
    }

    public Uni<Void> putCollaboration(String organization, String partner, boolean trusted, String source, String by, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into collaboration (organization, partner, trusted, source, created_by, created_at)
                        values (?1, ?2, ?3, ?4, ?5, ?6)
                        on conflict (organization, partner, source) do update set trusted = excluded.trusted""")
                .setParameter(1, organization)
                .setParameter(2, partner)
                .setParameter(3, trusted)
                .setParameter(4, source)
                .setParameter(5, by)
                .setParameter(6, now)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Integer> deleteCollaboration(String organization, String partner, String source) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "delete from collaboration where organization = ?1 and partner = ?2 and source = ?3")
                .setParameter(1, organization)
                .setParameter(2, partner)
                .setParameter(3, source)
                .executeUpdate());
    }

    /** Removes the federation-sourced collaborations of {@code organization} (before writing the published ones). */
    public Uni<Integer> deleteFederationCollaborations(String organization) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "delete from collaboration where organization = ?1 and source = 'federation'")
                .setParameter(1, organization)
                .executeUpdate());
    }

    /** Collaborations where {@code organization} is either side. */
    public Uni<List<Collaboration>> collaborationsOf(String organization) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select organization, partner, trusted, source, created_by, created_at from collaboration
                         where organization = ?1 or partner = ?1 order by organization, partner, source""", Object[].class)
                .setParameter(1, organization)
                .getResultList())
                .map(rows -> {
                    List<Collaboration> result = new ArrayList<>();
                    for (Object[] row : rows) {
                        result.add(new Collaboration((String) row[0], (String) row[1], (Boolean) row[2], (String) row[3],
                                (String) row[4], toInstant(row[5])));
                    }
                    return result;
                });
    }

    /** Creates the consortium with its owner as an accepted member; false if the id is taken. */
    public Uni<Boolean> createConsortium(String id, String name, String owner, String by, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into consortium (id, name, owner_organization, created_by, created_at) values (?1, ?2, ?3, ?4, ?5)
                        on conflict (id) do nothing""")
                .setParameter(1, id)
                .setParameter(2, name)
                .setParameter(3, owner)
                .setParameter(4, by)
                .setParameter(5, now)
                .executeUpdate()
                .chain(created -> created == 0 ? Uni.createFrom().item(false)
                        : acceptedMember(id, owner, REGISTRY, by, now).replaceWith(true)));
    }

    /** Makes sure a consortium published by the federation exists (without an owner: only the federation manages it). */
    public Uni<Void> ensureFederationConsortium(String id, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into consortium (id, name, owner_organization, created_by, created_at) values (?1, ?1, null, 'federation', ?2)
                        on conflict (id) do nothing""")
                .setParameter(1, id)
                .setParameter(2, now)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Consortium> findConsortium(String id) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "select id, name, owner_organization, created_by, created_at from consortium where id = ?1", Object[].class)
                .setParameter(1, id)
                .getResultList())
                .map(rows -> {
                    if (rows.isEmpty()) {
                        return null;
                    }
                    Object[] row = rows.get(0);
                    return new Consortium((String) row[0], (String) row[1], (String) row[2], (String) row[3], toInstant(row[4]));
                });
    }

    public Uni<List<Member>> membersOf(String consortiumId) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        select organization, source, invited_by, invited_at, accepted_by, accepted_at from consortium_member
                         where consortium_id = ?1 order by organization""", Object[].class)
                .setParameter(1, consortiumId)
                .getResultList())
                .map(rows -> {
                    List<Member> result = new ArrayList<>();
                    for (Object[] row : rows) {
                        result.add(new Member((String) row[0], (String) row[1], (String) row[2], toInstant(row[3]),
                                (String) row[4], toInstant(row[5])));
                    }
                    return result;
                });
    }

    /** Invites an organisation (not yet a member until it accepts); nothing happens if it is already listed. */
    public Uni<Void> invite(String consortiumId, String organization, String by, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into consortium_member (consortium_id, organization, source, invited_by, invited_at)
                        values (?1, ?2, 'registry', ?3, ?4) on conflict (consortium_id, organization) do nothing""")
                .setParameter(1, consortiumId)
                .setParameter(2, organization)
                .setParameter(3, by)
                .setParameter(4, now)
                .executeUpdate()).replaceWithVoid();
    }

    /** Accepts a pending invitation; the number of rows changed (0: no invitation, or already accepted). */
    public Uni<Integer> accept(String consortiumId, String organization, String by, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        update consortium_member set accepted_by = ?3, accepted_at = ?4
                         where consortium_id = ?1 and organization = ?2 and accepted_at is null""")
                .setParameter(1, consortiumId)
                .setParameter(2, organization)
                .setParameter(3, by)
                .setParameter(4, now)
                .executeUpdate());
    }

    /** A member that is accepted at once: the owner, or a membership the federation published. */
    public Uni<Void> acceptedMember(String consortiumId, String organization, String source, String by, Instant now) {
        return Panache.getSession().chain(session -> session.createNativeQuery("""
                        insert into consortium_member (consortium_id, organization, source, invited_by, invited_at, accepted_by, accepted_at)
                        values (?1, ?2, ?3, ?4, ?5, ?4, ?5)
                        on conflict (consortium_id, organization) do update
                            set accepted_by = coalesce(consortium_member.accepted_by, excluded.accepted_by),
                                accepted_at = coalesce(consortium_member.accepted_at, excluded.accepted_at)""")
                .setParameter(1, consortiumId)
                .setParameter(2, organization)
                .setParameter(3, source)
                .setParameter(4, by)
                .setParameter(5, now)
                .executeUpdate()).replaceWithVoid();
    }

    public Uni<Integer> removeMember(String consortiumId, String organization) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "delete from consortium_member where consortium_id = ?1 and organization = ?2")
                .setParameter(1, consortiumId)
                .setParameter(2, organization)
                .executeUpdate());
    }

    public Uni<Integer> deleteFederationMemberships(String organization) {
        return Panache.getSession().chain(session -> session.createNativeQuery(
                        "delete from consortium_member where organization = ?1 and source = 'federation'")
                .setParameter(1, organization)
                .executeUpdate());
    }

    private static Instant toInstant(Object value) {
        return switch (value) {
            case null -> null;
            case Instant instant -> instant;
            case java.time.OffsetDateTime odt -> odt.toInstant();
            case java.time.LocalDateTime ldt -> ldt.toInstant(java.time.ZoneOffset.UTC);
            case java.sql.Timestamp ts -> ts.toInstant();
            default -> Instant.parse(value.toString());
        };
    }
}
