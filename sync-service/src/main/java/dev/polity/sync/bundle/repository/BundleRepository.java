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

    public Uni<BundleEntity> findRevision(String organizationId, long revision) {
        return find("organizationId = ?1 and revision = ?2", organizationId, revision).firstResult();
    }

    /** The latest bundle of every organisation that has one. */
    public Uni<java.util.List<BundleEntity>> listLatest() {
        return list("from BundleEntity b where b.revision = (select max(c.revision) from BundleEntity c"
                + " where c.organizationId = b.organizationId) order by b.organizationId");
    }
}
