package dev.polity.registry.lifecycle.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class TransitionSignOffRepository implements PanacheRepository<TransitionSignOffEntity> {

    public Uni<List<TransitionSignOffEntity>> listFor(UUID transitionId) {
        return list("transitionId = ?1", Sort.ascending("id"), transitionId);
    }

    public Uni<List<TransitionSignOffEntity>> listFor(List<UUID> transitionIds) {
        return transitionIds.isEmpty() ? Uni.createFrom().item(List.of())
                : list("transitionId in ?1", Sort.ascending("id"), transitionIds);
    }
}
