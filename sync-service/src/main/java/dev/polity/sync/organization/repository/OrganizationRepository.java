package dev.polity.sync.organization.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class OrganizationRepository implements PanacheRepositoryBase<OrganizationEntity, String> {

    public Uni<List<OrganizationEntity>> listOrderedById() {
        return listAll(Sort.by("id"));
    }

    /**
     * Loads an organisation and locks its row until the transaction ends, so that work done for
     * one organisation (building its next bundle) happens one request at a time.
     */
    public Uni<OrganizationEntity> findByIdLocked(String id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    /**
     * Loads an organisation and locks its row for deletion ({@code for update}) until the transaction
     * ends: it waits for bundle builds of the organisation in progress, and inserts that reference the
     * row (an outbox row, an override, a policy submission's {@link #findByIdKeyShare}) wait for it.
     */
    public Uni<OrganizationEntity> findByIdForRemoval(String id) {
        return findLocked(id, "for update");
    }

    /**
     * Loads an organisation and keeps it from being deleted until the transaction ends
     * ({@code for key share}: does not wait for bundle builds, only for a removal).
     */
    public Uni<OrganizationEntity> findByIdKeyShare(String id) {
        return findLocked(id, "for key share");
    }

    /** One organisation, its row locked with {@code lock} (a fixed clause, never input) until the transaction ends. */
    private Uni<OrganizationEntity> findLocked(String id, String lock) {
        return getSession().flatMap(session -> session.createNativeQuery(
                        "select * from organizations where id = :id " + lock, OrganizationEntity.class)
                .setParameter("id", id)
                .getResultList())
                .map(found -> found.isEmpty() ? null : found.getFirst());
    }

    /**
     * Loads the organisations and locks their rows until the transaction ends, in one statement and
     * in id order: builders that lock overlapping sets of organisations take the locks in the same
     * order, so they wait for each other instead of deadlocking. {@code for no key update} is the
     * lock {@link #findByIdLocked} takes (Hibernate's PESSIMISTIC_WRITE on PostgreSQL): builds of one
     * organisation run one at a time, while inserts that only reference the row (an outbox row, a
     * bundle) are not blocked.
     */
    public Uni<List<OrganizationEntity>> lockAllOrderedById(Collection<String> ids) {
        return getSession().flatMap(session -> session.createNativeQuery(
                        "select * from organizations where id in (:ids) order by id for no key update",
                        OrganizationEntity.class)
                .setParameter("ids", ids)
                .getResultList());
    }

    /** The organisations and all their ancestors (parent, the parent's parent, ...), in one query. */
    public Uni<List<OrganizationEntity>> withAncestors(Collection<String> ids) {
        // union (not union all) drops rows already found, so even a parent cycle ends the recursion.
        return getSession().flatMap(session -> session.createNativeQuery("""
                        with recursive tree as (
                            select * from organizations where id in (:ids)
                            union
                            select parent.* from organizations parent join tree child on parent.id = child.parent_organization
                        )
                        select * from tree""", OrganizationEntity.class)
                .setParameter("ids", ids)
                .getResultList());
    }

    public Uni<List<String>> idsInRegion(String region) {
        return find("region", Sort.by("id"), region).list().map(OrganizationRepository::ids);
    }

    public Uni<List<String>> allIds() {
        return findAll(Sort.by("id")).list().map(OrganizationRepository::ids);
    }

    public Uni<List<String>> childIds(String parent) {
        return find("parentOrganization", Sort.by("id"), parent).list().map(OrganizationRepository::ids);
    }

    private static List<String> ids(List<OrganizationEntity> entities) {
        return entities.stream().map(entity -> entity.id).toList();
    }
}
