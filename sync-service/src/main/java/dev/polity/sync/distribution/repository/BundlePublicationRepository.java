package dev.polity.sync.distribution.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class BundlePublicationRepository implements PanacheRepositoryBase<BundlePublicationEntity, String> {

    private static final String UPSERT_HEAD = "insert into bundle_publications"
            + " (organization_id, generation, reason, attempts, next_attempt_at, failed, last_error, requested_at) values ";
    private static final String UPSERT_TAIL = " on conflict (organization_id) do update set"
            + " generation = bundle_publications.generation + 1, reason = excluded.reason, attempts = 0,"
            + " next_attempt_at = now(), failed = false, requested_at = now()";
    /** Rows per statement: a global change of a large federation is a few statements, not thousands. */
    private static final int CHUNK = 500;

    /** Asks for the organisation's bundle to be rebuilt now; joins the caller's transaction. */
    public Uni<Integer> request(String organizationId, String reason) {
        return request(List.of(organizationId), reason);
    }

    /** Asks for the organisations' bundles to be rebuilt now, in one statement per 500; joins the caller's transaction. */
    public Uni<Integer> request(List<String> organizationIds, String reason) {
        String shortReason = reason.length() > 200 ? reason.substring(0, 200) : reason;
        Uni<Integer> chain = Uni.createFrom().item(0);
        for (int from = 0; from < organizationIds.size(); from += CHUNK) {
            List<String> chunk = organizationIds.subList(from, Math.min(organizationIds.size(), from + CHUNK));
            StringBuilder sql = new StringBuilder(UPSERT_HEAD);
            for (int i = 0; i < chunk.size(); i++) {
                sql.append(i == 0 ? "" : ", ").append("(?").append(i + 2).append(", 1, ?1, 0, now(), false, null, now())");
            }
            sql.append(UPSERT_TAIL);
            chain = chain.flatMap(count -> getSession().flatMap(session -> {
                var query = session.createNativeQuery(sql.toString()).setParameter(1, shortReason);
                for (int i = 0; i < chunk.size(); i++) {
                    query.setParameter(i + 2, chunk.get(i));
                }
                return query.executeUpdate();
            }).map(updated -> count + updated));
        }
        return chain;
    }

    /**
     * Removes the requests in one statement, each only if nobody asked again since its
     * {@code generation} was read. Meant for one publication batch (PostgreSQL binds at most 65535
     * parameters).
     */
    public Uni<Integer> completed(List<QueuedPublication> publications) {
        StringBuilder sql = new StringBuilder("delete from bundle_publications where (organization_id, generation) in (");
        for (int i = 0; i < publications.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append("(?").append(2 * i + 1).append(", ?").append(2 * i + 2).append(')');
        }
        sql.append(')');
        return getSession().flatMap(session -> {
            var delete = session.createNativeQuery(sql.toString());
            for (int i = 0; i < publications.size(); i++) {
                delete.setParameter(2 * i + 1, publications.get(i).organizationId());
                delete.setParameter(2 * i + 2, publications.get(i).generation());
            }
            return delete.executeUpdate();
        });
    }

    public Uni<List<BundlePublicationEntity>> due(Instant now, int limit) {
        return find("failed = false and nextAttemptAt <= ?1", Sort.by("nextAttemptAt"), now)
                .page(Page.ofSize(limit)).list();
    }

    public Uni<Integer> recordFailure(String organizationId, long generation, int attempts, Instant nextAttemptAt,
                                      boolean failed, String error) {
        String shortError = error == null ? "unknown error" : error.length() > 2000 ? error.substring(0, 2000) : error;
        return update("attempts = ?1, nextAttemptAt = ?2, failed = ?3, lastError = ?4"
                        + " where organizationId = ?5 and generation = ?6",
                attempts, nextAttemptAt, failed, shortError, organizationId, generation);
    }

    /** Drops the organisation's outbox row (pending, retrying or failed); joins the caller's transaction. */
    public Uni<Long> deleteOfOrganization(String organizationId) {
        return delete("organizationId", organizationId);
    }

    public Uni<List<BundlePublicationEntity>> everything() {
        return listAll(Sort.by("organizationId"));
    }
}
