package dev.polity.sync.federation.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class PolicySubscriptionRepository implements PanacheRepository<PolicySubscriptionEntity> {

    /**
     * Subscriptions that reach at least one of the organisations: global ones, those of one of
     * {@code regions} (the organisations' regions), those of one of the organisations.
     */
    public Uni<List<PolicySubscriptionEntity>> reachingAny(Collection<String> organizationIds, Collection<String> regions) {
        return list("scopeLevel = 'global' or (scopeLevel = 'regional' and scopeKey in :regions)"
                        + " or (scopeLevel = 'organization' and scopeKey in :organizations) order by policyId",
                Parameters.with("regions", regions).and("organizations", organizationIds));
    }

    public Uni<List<PolicySubscriptionEntity>> ofPolicy(String policyId) {
        return list("policyId", policyId);
    }

    public Uni<List<PolicySubscriptionEntity>> everything() {
        return listAll(Sort.by("policyId").and("scopeLevel").and("scopeKey"));
    }

    public Uni<Long> deleteFederationEntries() {
        return delete("source", PolicySubscriptionEntity.SOURCE_FEDERATION);
    }

    /** Every subscription of the organisation itself (tier defaults and the federation file's organizational entries). */
    public Uni<Long> deleteOfOrganization(String organizationId) {
        return delete("scopeLevel = 'organization' and scopeKey = ?1", organizationId);
    }

    public Uni<Long> deleteTierDefaults(String organizationId) {
        return delete("scopeLevel = 'organization' and scopeKey = ?1 and source = ?2", organizationId,
                PolicySubscriptionEntity.SOURCE_TIER_DEFAULT);
    }
}
