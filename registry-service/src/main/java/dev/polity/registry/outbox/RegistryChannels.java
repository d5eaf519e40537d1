package dev.polity.registry.outbox;

/** Reactive Messaging channel names of the registry; their topics are mapped in {@code application.properties}. */
public final class RegistryChannels {

    /** Outgoing binary-mode CloudEvents to {@code polity.audit.events}. */
    public static final String AUDIT_EVENTS = "audit-events";

    /** Incoming federation membership from {@code polity.federation.organizations} (tier, partners, consortia). */
    public static final String FEDERATION_ORGANIZATIONS = "federation-organizations";

    private RegistryChannels() {
    }
}
