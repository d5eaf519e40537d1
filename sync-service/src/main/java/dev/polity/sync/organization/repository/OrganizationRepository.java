package dev.polity.sync.organization.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

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
}
