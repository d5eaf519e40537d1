package dev.polity.sync.policy.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.List;

@ApplicationScoped
public class PolicyVersionRepository implements PanacheRepository<PolicyVersionEntity> {

    private static final String LATEST = "from PolicyVersionEntity p where p.version = "
            + "(select max(q.version) from PolicyVersionEntity q where q.policyId = p.policyId)";

    public Uni<PolicyVersionEntity> findLatest(String policyId) {
        return find("policyId", Sort.descending("version"), policyId).firstResult();
    }

    public Uni<PolicyVersionEntity> findVersion(String policyId, int version) {
        return find("policyId = ?1 and version = ?2", policyId, version).firstResult();
    }

    /** The latest version of every policy, ordered by policy id. */
    public Uni<List<PolicyVersionEntity>> listLatest() {
        return list(LATEST + " order by p.policyId");
    }

    /**
     * The latest version of every policy that is global, regional in one of {@code regions}, scoped
     * to one of {@code organizations} (organisation or team scope), or one of {@code subscribed}:
     * everything the bundles of organisations in those regions, whose ids and ancestors' ids are
     * {@code organizations}, can hold. A superset: the bundle service narrows it down per organisation.
     */
    public Uni<List<PolicyVersionEntity>> listLatestCandidates(Collection<String> regions, Collection<String> organizations,
                                                               Collection<String> subscribed) {
        Parameters parameters = Parameters.with("regions", regions).and("organizations", organizations);
        String subscribedClause = "";
        if (!subscribed.isEmpty()) {
            subscribedClause = " or p.policyId in :subscribed";
            parameters = parameters.and("subscribed", subscribed);
        }
        return list(LATEST + " and (p.scopeLevel = 'global'"
                + " or (p.scopeLevel = 'regional' and p.scopeRegion in :regions)"
                + " or p.scopeOrganization in :organizations" + subscribedClause + ") order by p.policyId", parameters);
    }

    /**
     * The latest version of every policy scoped to the organisation (organisation scope, or team scope
     * of one of its teams), ordered by policy id. Policies have no retired state: every latest version counts.
     */
    public Uni<List<PolicyVersionEntity>> listLatestScopedTo(String organizationId) {
        return list(LATEST + " and p.scopeOrganization = :organization and p.scopeLevel in ('organization', 'team')"
                + " order by p.policyId", Parameters.with("organization", organizationId));
    }

    /** The latest version of each of {@code policyIds} that exists. */
    public Uni<List<PolicyVersionEntity>> listLatestOf(Collection<String> policyIds) {
        return list(LATEST + " and p.policyId in :ids order by p.policyId", Parameters.with("ids", policyIds));
    }

    /** Ids of {@code policyIds} that have at least one version. */
    public Uni<List<String>> existingIds(Collection<String> policyIds) {
        return listLatestOf(policyIds).map(entities -> entities.stream().map(entity -> entity.policyId).toList());
    }

    /**
     * The latest version of every policy whose scope is above a submitted one: global ones, the
     * region's, and the organisation scope of {@code organizations} (the organisation itself, for a
     * team policy, and its ancestors).
     */
    public Uni<List<PolicyVersionEntity>> listLatestAbove(String region, Collection<String> organizations) {
        String orgs = organizations.isEmpty() ? "" : " or (p.scopeLevel = 'organization' and p.scopeOrganization in :organizations)";
        Parameters parameters = Parameters.with("region", region == null ? "" : region);
        if (!organizations.isEmpty()) {
            parameters = parameters.and("organizations", organizations);
        }
        return list(LATEST + " and (p.scopeLevel = 'global' or (p.scopeLevel = 'regional' and p.scopeRegion = :region)"
                + orgs + ") order by p.policyId", parameters);
    }
}
