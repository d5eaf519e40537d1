package dev.polity.registry.lifecycle.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class VersionTransitionRepository implements PanacheRepositoryBase<VersionTransitionEntity, UUID> {

    public static final String PENDING_REVIEW = "pending_review";

    public Uni<VersionTransitionEntity> findOpen(long versionId) {
        return find("versionId = ?1 and state = ?2", versionId, PENDING_REVIEW).firstResult();
    }

    public Uni<List<VersionTransitionEntity>> listNewestFirst(long versionId) {
        return list("versionId = ?1", Sort.descending("requestedAt", "id"), versionId);
    }

    public Uni<List<VersionTransitionEntity>> listForVersions(List<Long> versionIds) {
        return list("versionId in ?1", Sort.ascending("requestedAt"), versionIds);
    }
}
