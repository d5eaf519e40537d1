package dev.polity.policy.bundle;

/** Messaging channel names of the policy node; topics are mapped in application.properties. */
public final class NodeChannels {

    public static final String POLICY_BUNDLES = "policy-bundles";
    public static final String POLICY_STATUS = "policy-status";
    public static final String AUDIT_EVENTS = "audit-events";

    private NodeChannels() {
    }
}
