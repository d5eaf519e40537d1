package dev.polity.registry.sharing.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class UsageRecordRepository implements PanacheRepository<UsageRecordEntity> {

    /** Per organisation and kind: {@code [organization, kind, sum(quantity)]}. */
    public Uni<List<Object[]>> totals(long versionId) {
        return getSession().chain(session -> session.createSelectionQuery(
                        "select u.organization, u.kind, sum(u.quantity) from UsageRecordEntity u where u.versionId = ?1 "
                                + "group by u.organization, u.kind order by u.organization, u.kind", Object[].class)
                .setParameter(1, versionId)
                .getResultList());
    }
}
