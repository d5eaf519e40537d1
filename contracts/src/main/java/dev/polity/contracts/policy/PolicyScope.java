package dev.polity.contracts.policy;

/**
 * Where a policy applies.
 *
 * @param level        global, regional, organization or team
 * @param region       required for regional scope
 * @param organization required for organisation and team scope
 * @param team         required for team scope
 */
public record PolicyScope(ScopeLevel level, String region, String organization, String team) {

    public static PolicyScope global() {
        return new PolicyScope(ScopeLevel.GLOBAL, null, null, null);
    }

    public static PolicyScope regional(String region) {
        return new PolicyScope(ScopeLevel.REGIONAL, region, null, null);
    }

    public static PolicyScope organization(String organization) {
        return new PolicyScope(ScopeLevel.ORGANIZATION, null, organization, null);
    }

    public static PolicyScope team(String organization, String team) {
        return new PolicyScope(ScopeLevel.TEAM, null, organization, team);
    }

    /** Whether a policy with this scope applies to an organisation in a region (any team). */
    public boolean appliesTo(String organizationId, String organizationRegion) {
        return switch (level) {
            case GLOBAL -> true;
            case REGIONAL -> region.equals(organizationRegion);
            case ORGANIZATION, TEAM -> organization.equals(organizationId);
        };
    }
}
