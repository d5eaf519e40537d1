package dev.polity.registry.model.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class ModelVersionRepository implements PanacheRepository<ModelVersionEntity> {

    private static final Sort NEWEST_FIRST = Sort.descending("registeredAt", "id");

    public Uni<ModelVersionEntity> findVersion(long modelId, String version) {
        return find("modelId = ?1 and version = ?2", modelId, version).firstResult();
    }

    public Uni<Boolean> versionExists(long modelId, String version) {
        return count("modelId = ?1 and version = ?2", modelId, version).map(count -> count > 0);
    }

    public Uni<List<ModelVersionEntity>> listNewestFirst(long modelId) {
        return list("modelId = ?1", NEWEST_FIRST, modelId);
    }

    public Uni<ModelVersionEntity> findNewest(long modelId) {
        return find("modelId = ?1", NEWEST_FIRST, modelId).firstResult();
    }

    public Uni<List<ModelVersionEntity>> findInStatus(long modelId, String status) {
        return list("modelId = ?1 and status = ?2", modelId, status);
    }

    /** Adds usage atomically (no lost updates between concurrent recorders); the new total. */
    public Uni<Long> addUsage(long versionId, long quantity) {
        return getSession().chain(session -> session.createNativeQuery(
                        "update model_version set usage_count = usage_count + ?1 where id = ?2 returning usage_count", Long.class)
                .setParameter(1, quantity)
                .setParameter(2, versionId)
                .getSingleResult());
    }

    public Uni<Long> countVersions(long modelId) {
        return count("modelId = ?1", modelId);
    }
}
