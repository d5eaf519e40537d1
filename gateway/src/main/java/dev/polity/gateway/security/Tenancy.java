package dev.polity.gateway.security;

/** How a route is bound to the caller's organisation (the token's {@code org_id}). */
public enum Tenancy {

    /** No organisation in the path: the gateway fills in and checks the token's organisation. */
    CALLER("the token's organisation"),
    /** {@code {org}} in the path must be the token's organisation. */
    OWN("`{org}` = the token's organisation"),
    /** {@code {org}} may be another organisation: the request is the caller's own (an access request, a use) and the registry applies its sharing rules. */
    SHARED("any `{org}`; the registry applies visibility and grants"),
    /** The registry applies its sharing rules (visibility inside its queries, consortium ownership and membership). */
    VISIBILITY("the registry's sharing rules"),
    /** The audit query is forced to {@code organization=<the token's>}; asking for another is 403. */
    AUDIT_FILTER("forced `organization=` the token's (central organisation: as asked)"),
    /** One audit event: answered only if it belongs to the token's organisation (else 404). */
    AUDIT_EVENT("the event's organisation must be the token's (central organisation: any)"),
    /** About the whole log (tree heads, checkpoints, verification), carries no event data. */
    LOG("whole log, no event data"),
    /** Federation directory data every member sees (organisation names, regions, public keys). */
    DIRECTORY("federation directory"),
    /** Lists and documents are cut to global, regional and the token's organisation's ones. */
    SCOPED("reads: global, regional and own entries; writes: own only; central organisation: all"),
    /** {@code {org}} must be the token's organisation, unless the caller belongs to the central organisation. */
    FEDERATION("`{org}` = the token's, or the caller is in the central organisation"),
    /** Only callers of the central organisation. */
    CENTRAL("the central organisation only");

    private final String readme;

    Tenancy(String readme) {
        this.readme = readme;
    }

    public String readme() {
        return readme;
    }
}
