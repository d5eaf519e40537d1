package dev.polity.audit.event.repository;

import java.time.Instant;

/** One row of the audit log. {@code data} is null once the payload has expired; its hash stays. */
public record StoredEvent(
        long sequence,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String organization,
        String actor,
        String dataContentType,
        byte[] data,
        String dataSha256) {
}
