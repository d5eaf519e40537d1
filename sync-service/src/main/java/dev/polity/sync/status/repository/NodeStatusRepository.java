package dev.polity.sync.status.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class NodeStatusRepository implements PanacheRepositoryBase<NodeStatusEntity, String> {

    /** The reports of the organisation's nodes; joins the caller's transaction. */
    public Uni<Long> deleteOfOrganization(String organizationId) {
        return delete("organizationId", organizationId);
    }

    public Uni<List<NodeStatusEntity>> everything() {
        return listAll(Sort.by("organizationId").and("nodeId"));
    }
}
