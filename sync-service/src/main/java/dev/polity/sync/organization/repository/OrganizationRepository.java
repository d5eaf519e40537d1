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

    public Uni<List<String>> idsInRegion(String region) {
        return find("region", Sort.by("id"), region).list().map(OrganizationRepository::ids);
    }

    public Uni<List<String>> allIds() {
        return findAll(Sort.by("id")).list().map(OrganizationRepository::ids);
    }

    public Uni<List<String>> childIds(String parent) {
        return find("parentOrganization", Sort.by("id"), parent).list().map(OrganizationRepository::ids);
    }

    private static List<String> ids(List<OrganizationEntity> entities) {
        return entities.stream().map(entity -> entity.id).toList();
    }
}
