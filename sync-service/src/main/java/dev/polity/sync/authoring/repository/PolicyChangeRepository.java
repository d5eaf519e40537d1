package dev.polity.sync.authoring.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class PolicyChangeRepository implements PanacheRepositoryBase<PolicyChangeEntity, UUID> {

    public Uni<PolicyChangeEntity> findLocked(UUID id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }

    public Uni<PolicyChangeEntity> pendingFor(String policyId) {
        return find("policyId = ?1 and status = ?2", policyId, PolicyChangeEntity.PENDING).firstResult();
    }

    public Uni<List<PolicyChangeEntity>> pendingExpiredBy(Instant now) {
        return list("status = ?1 and expiresAt <= ?2", PolicyChangeEntity.PENDING, now);
    }

    public Uni<List<PolicyChangeEntity>> search(String status, String policyId) {
        StringBuilder query = new StringBuilder("1 = 1");
        java.util.Map<String, Object> params = new java.util.HashMap<>();
        if (status != null) {
            query.append(" and status = :status");
            params.put("status", status);
        }
        if (policyId != null) {
            query.append(" and policyId = :policy");
            params.put("policy", policyId);
        }
        return list(query.toString(), Sort.descending("createdAt"), params);
    }
}
