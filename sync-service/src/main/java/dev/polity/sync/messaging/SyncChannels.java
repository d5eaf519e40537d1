package dev.polity.sync.messaging;

/**
 * Channel names; {@code application.properties} maps each to its topic in
 * {@link dev.polity.contracts.Topics}.
 */
public final class SyncChannels {

    /** {@code polity.policy.bundles}: key organisation id, value the signed bundle's JSON. */
    public static final String POLICY_BUNDLES = "policy-bundles";
    /** {@code polity.federation.organizations}: key organisation id, value the organisation's JSON. */
    public static final String FEDERATION_ORGANIZATIONS = "federation-organizations";
    /** {@code polity.audit.events}: binary-mode CloudEvents keyed by subject. */
    public static final String AUDIT_EVENTS = "audit-events";

    /** Incoming {@code polity.policy.status}: key node id, value the node's status JSON. */
    public static final String POLICY_STATUS = "policy-status";

    private SyncChannels() {
    }
}
