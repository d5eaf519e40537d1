package dev.polity.audit.ingest;

/** Reactive Messaging channel names of the audit service; their topics are mapped in {@code application.properties}. */
public final class AuditChannels {

    /** Incoming binary-mode CloudEvents from {@code polity.audit.events}; rejects go to {@code polity.audit.events.dlq}. */
    public static final String AUDIT_EVENTS_IN = "audit-events-in";

    private AuditChannels() {
    }
}
