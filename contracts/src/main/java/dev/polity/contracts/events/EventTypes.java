package dev.polity.contracts.events;

/** CloudEvent {@code type} values of every governance event Polity emits to the audit topic. */
public final class EventTypes {

    public static final String MODEL_REGISTERED = "polity.model.registered";
    public static final String MODEL_TRANSITIONED = "polity.model.transitioned";
    public static final String DECISION_MADE = "polity.decision.made";
    public static final String POLICY_CREATED = "polity.policy.created";
    public static final String POLICY_APPROVED = "polity.policy.approved";
    public static final String BUNDLE_PUBLISHED = "polity.bundle.published";
    public static final String BUNDLE_ACTIVATED = "polity.bundle.activated";
    public static final String BUNDLE_REJECTED = "polity.bundle.rejected";
    public static final String ORGANIZATION_CHANGED = "polity.organization.changed";

    private EventTypes() {
    }
}
