package dev.polity.sync.bundle.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class BundleRepository implements PanacheRepository<BundleEntity> {

    private static final String LATEST = "from BundleEntity b where b.revision = (select max(c.revision)"
            + " from BundleEntity c where c.organizationId = b.organizationId)";

    /**
     * The organisation's bundle with the highest revision, or null; also null when the organisation
     * was removed from the federation (its bundles are kept for the audit trail, never served).
     */
    public Uni<BundleEntity> findLatest(String organizationId) {
        return find("organizationId = ?1 and exists (select 1 from OrganizationEntity o where o.id = ?1)",
                Sort.descending("revision"), organizationId).firstResult();
    }

    public Uni<BundleEntity> findRevision(String organizationId, long revision) {
        return find("organizationId = ?1 and revision = ?2", organizationId, revision).firstResult();
    }

    /** The latest bundle of every organisation that has one. */
    public Uni<List<BundleEntity>> listLatest() {
        return list(LATEST + " order by b.organizationId");
    }

    /** The latest bundle of each of {@code organizationIds} that has one. */
    public Uni<List<BundleEntity>> listLatestOf(Collection<String> organizationIds) {
        return list(LATEST + " and b.organizationId in :ids order by b.organizationId",
                Parameters.with("ids", organizationIds));
    }

    /**
     * Stores new bundles with one insert statement, where persisting the entities would insert them
     * one by one (identity ids are fetched per row). The entities are not attached to the session
     * and their ids stay null. Fails on a taken {@code (organization_id, revision)}. Meant for the
     * bundles of one publication batch: PostgreSQL binds at most 65535 parameters (9362 bundles).
     */
    public Uni<Integer> insertAll(List<BundleEntity> newBundles) {
        StringBuilder sql = new StringBuilder("insert into bundles"
                + " (organization_id, revision, policy_set_sha256, digest, key_id, bundle_json, created_at) values ");
        int parameter = 0;
        for (int row = 0; row < newBundles.size(); row++) {
            sql.append(row == 0 ? "(" : ", (");
            for (int column = 0; column < 7; column++) {
                sql.append(column == 0 ? "?" : ", ?").append(++parameter);
            }
            sql.append(')');
        }
        return getSession().flatMap(session -> {
            var insert = session.createNativeQuery(sql.toString());
            int position = 0;
            for (BundleEntity bundle : newBundles) {
                insert.setParameter(++position, bundle.organizationId);
                insert.setParameter(++position, bundle.revision);
                insert.setParameter(++position, bundle.policySetSha256);
                insert.setParameter(++position, bundle.digest);
                insert.setParameter(++position, bundle.keyId);
                insert.setParameter(++position, bundle.bundleJson);
                insert.setParameter(++position, bundle.createdAt);
            }
            return insert.executeUpdate();
        });
    }
}
