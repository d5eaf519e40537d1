package dev.polity.sync.bundle.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class BundleRepository implements PanacheRepository<BundleEntity> {

    /** The organisation's bundle with the highest revision, or null. */
    public Uni<BundleEntity> findLatest(String organizationId) {
        return find("organizationId", Sort.descending("revision"), organizationId).firstResult();
    }
}
