package dev.polity.registry.sharing.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AccessGrantRepository implements PanacheRepositoryBase<AccessGrantEntity, UUID> {

    public Uni<List<AccessGrantEntity>> listForModel(long modelId) {
        return list("modelId = ?1", Sort.descending("grantedAt"), modelId);
    }

    public Uni<List<AccessGrantEntity>> listForModelAndHolder(long modelId, String organization) {
        return list("modelId = ?1 and organization = ?2", Sort.descending("grantedAt"), modelId, organization);
    }

    /** The valid grant of {@code organization} for the model that expires last, or null. */
    public Uni<AccessGrantEntity> findValid(long modelId, String organization, Instant now) {
        return find("modelId = ?1 and organization = ?2 and revokedAt is null and expiresAt > ?3",
                Sort.descending("expiresAt"), modelId, organization, now).firstResult();
    }

    /** Grants that reached their expiry and whose expiry is not audited yet. */
    public Uni<List<AccessGrantEntity>> findExpiredUnrecorded(Instant now, int limit) {
        return find("revokedAt is null and expiryRecordedAt is null and expiresAt <= ?1", Sort.ascending("expiresAt"), now)
                .page(0, limit).list();
    }

    /** Adds usage atomically; the grant's new total. */
    public Uni<Long> addUsage(UUID grantId, long quantity) {
        return getSession().chain(session -> session.createNativeQuery(
                        "update access_grant set usage_count = usage_count + ?1 where id = ?2 returning usage_count", Long.class)
                .setParameter(1, quantity)
                .setParameter(2, grantId)
                .getSingleResult());
    }
}
