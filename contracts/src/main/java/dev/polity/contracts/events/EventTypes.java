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
    /** Central authority: an organisation was removed from the federation (its membership record is tombstoned). */
    public static final String ORGANIZATION_REMOVED = "polity.organization.removed";
    /** Registry: a model's description, domain, tags, access level or use flags changed. */
    public static final String MODEL_UPDATED = "polity.model.updated";
    /** Registry: a lifecycle transition was asked for and waits for its sign-offs. */
    public static final String MODEL_TRANSITION_REQUESTED = "polity.model.transition.requested";
    /** Registry: the policy node denied a transition, or a reviewer rejected it. */
    public static final String MODEL_TRANSITION_DENIED = "polity.model.transition.denied";
    /** Registry: a reviewer signed a transition off. */
    public static final String MODEL_TRANSITION_SIGNED_OFF = "polity.model.transition.signed_off";
    /** Registry: an organisation asked for access to another organisation's model. */
    public static final String ACCESS_REQUESTED = "polity.access.requested";
    /** Registry: an access request was approved (by the owner or by an auto-approval rule); a grant exists. */
    public static final String ACCESS_APPROVED = "polity.access.approved";
    /** Registry: the owner rejected an access request. */
    public static final String ACCESS_REJECTED = "polity.access.rejected";
    /** Registry: the owner revoked a grant. */
    public static final String ACCESS_REVOKED = "polity.access.revoked";
    /** Registry: a grant reached its expiry. */
    public static final String ACCESS_EXPIRED = "polity.access.expired";
    /** Registry: a model version was used (download, inference, training) under a grant or by its owner. */
    public static final String MODEL_USAGE_RECORDED = "polity.model.usage.recorded";
    /** Registry: usage was refused because the organisation holds no valid grant. */
    public static final String MODEL_USAGE_REFUSED = "polity.model.usage.refused";
    /** Registry: an organisation declared or withdrew a collaboration agreement (who may see its models). */
    public static final String COLLABORATION_CHANGED = "polity.collaboration.changed";
    /** Registry: a consortium was created or its membership changed. */
    public static final String CONSORTIUM_CHANGED = "polity.consortium.changed";

    private EventTypes() {
    }
}
