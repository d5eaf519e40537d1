package dev.polity.audit.export;

import dev.polity.audit.event.repository.StoredEvent;
import dev.polity.contracts.audit.AuditEntries;
import dev.polity.contracts.audit.ExportEntry;

import java.util.Base64;

/** Log rows as the verifier reads them. */
final class ExportEntries {

    private ExportEntries() {
    }

    /** The full entry, or only its sequence and leaf hash when the reader may not see it. */
    static ExportEntry of(StoredEvent event, boolean visible) {
        String leafHash = AuditEntries.hex(event.leafHash());
        if (!visible) {
            return ExportEntry.withheld(event.sequence(), leafHash);
        }
        return new ExportEntry(event.sequence(), leafHash, event.data() == null ? ExportEntry.EXPIRED : ExportEntry.PRESENT,
                ExportEntry.headerPairs(AuditEntries.fromJsonText(event.attributes())), event.dataSha256(),
                event.data() == null ? null : Base64.getEncoder().encodeToString(event.data()), event.id(), event.source(),
                event.type(), event.subject(), event.time(), event.organization(), event.actor(), event.dataContentType(),
                event.receivedAt());
    }
}
