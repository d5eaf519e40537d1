package dev.polity.sync.federation.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

@ApplicationScoped
public class PolicySubscriptionRepository implements PanacheRepository<PolicySubscriptionEntity> {

    /** Subscriptions that reach an organisation: global ones, its region's, its own. */
    public Uni<List<PolicySubscriptionEntity>> reaching(String organizationId, String region) {
        return list("scopeLevel = 'global' or (scopeLevel = 'regional' and scopeKey = :region)"
                        + " or (scopeLevel = 'organization' and scopeKey = :organization) order by policyId",
                Parameters.with("region", region).and("organization", organizationId));
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

    public Uni<Long> deleteTierDefaults(String organizationId) {
        return delete("scopeLevel = 'organization' and scopeKey = ?1 and source = ?2", organizationId,
                PolicySubscriptionEntity.SOURCE_TIER_DEFAULT);
    }
}
