package dev.polity.audit.ingest;

/** Reactive Messaging channel names of the audit service; their topics are mapped in {@code application.properties}. */
public final class AuditChannels {

    /** Incoming binary-mode CloudEvents from {@code polity.audit.events}, consumed in batches. */
    public static final String AUDIT_EVENTS_IN = "audit-events-in";

    /** Records of {@code polity.audit.events} that cannot enter the log, to {@code polity.audit.events.dlq}. */
    public static final String AUDIT_EVENTS_DEAD_LETTER = "audit-events-dlq";

    /** Signed checkpoints, to {@code polity.audit.checkpoints} (compacted, key = log id). */
    public static final String AUDIT_CHECKPOINTS_OUT = "audit-checkpoints";

    private AuditChannels() {
    }
}
