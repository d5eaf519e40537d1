package dev.polity.sync.override.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class OverrideRepository implements PanacheRepositoryBase<OverrideEntity, UUID> {

    /** Approved overrides of the organisations that have not expired at {@code now}, by organisation, policy and team. */
    public Uni<List<OverrideEntity>> activeForAny(Collection<String> organizationIds, Instant now) {
        return list("organizationId in ?1 and status = ?2 and expiresAt > ?3 order by organizationId, policyId, teamId",
                organizationIds, OverrideEntity.ACTIVE, now);
    }

    public Uni<List<OverrideEntity>> activeExpiredBy(Instant now) {
        return list("status = ?1 and expiresAt <= ?2", OverrideEntity.ACTIVE, now);
    }

    public Uni<List<OverrideEntity>> pendingExpiredBy(Instant now) {
        return list("status = ?1 and approvalExpiresAt <= ?2", OverrideEntity.PENDING, now);
    }

    /** Every override of the organisation, whatever its status; joins the caller's transaction. */
    public Uni<Long> deleteOfOrganization(String organizationId) {
        return delete("organizationId", organizationId);
    }

    public Uni<OverrideEntity> findLocked(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<List<OverrideEntity>> search(String organizationId, String status) {
        StringBuilder query = new StringBuilder("1 = 1");
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        if (organizationId != null) {
            query.append(" and organizationId = :organization");
            params.put("organization", organizationId);
        }
        if (status != null) {
            query.append(" and status = :status");
            params.put("status", status);
        }
        return list(query.toString(), Sort.descending("createdAt"), params);
    }
}
