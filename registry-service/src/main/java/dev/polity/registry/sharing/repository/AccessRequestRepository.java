package dev.polity.registry.sharing.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class AccessRequestRepository implements PanacheRepositoryBase<AccessRequestEntity, UUID> {

    public Uni<List<AccessRequestEntity>> listForModel(long modelId) {
        return list("modelId = ?1", Sort.descending("createdAt"), modelId);
    }

    public Uni<List<AccessRequestEntity>> listForModelAndRequester(long modelId, String organization) {
        return list("modelId = ?1 and requestingOrganization = ?2", Sort.descending("createdAt"), modelId, organization);
    }
}
