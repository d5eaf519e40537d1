package dev.polity.sync.messaging;

import dev.polity.contracts.events.EventTypes;

/**
 * CloudEvent types of the central authority's authoring steps, besides those in
 * {@link EventTypes} ({@code polity.policy.created}, {@code polity.policy.approved},
 * {@code polity.bundle.published}, {@code polity.organization.changed}, {@code polity.organization.removed}).
 */
public final class SyncEventTypes {

    /** A policy change was submitted (published at once, or pending approval); data carries the diff. */
    public static final String POLICY_SUBMITTED = "polity.policy.submitted";
    public static final String POLICY_APPROVED = EventTypes.POLICY_APPROVED;
    public static final String POLICY_REJECTED = "polity.policy.rejected";
    /** A pending policy change was not approved within approval_timeout. */
    public static final String POLICY_CHANGE_EXPIRED = "polity.policy.change-expired";
    public static final String OVERRIDE_REQUESTED = "polity.override.requested";
    public static final String OVERRIDE_APPROVED = "polity.override.approved";
    public static final String OVERRIDE_REJECTED = "polity.override.rejected";
    public static final String OVERRIDE_EXPIRED = "polity.override.expired";
    public static final String OVERRIDE_REVOKED = "polity.override.revoked";
    public static final String FEDERATION_IMPORTED = "polity.federation.imported";

    private SyncEventTypes() {
    }
}
