package dev.polity.registry.lifecycle.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class VersionHistoryRepository implements PanacheRepository<VersionHistoryEntity> {

    public Uni<List<VersionHistoryEntity>> listOldestFirst(long versionId) {
        return list("versionId = ?1", Sort.ascending("id"), versionId);
    }
}
