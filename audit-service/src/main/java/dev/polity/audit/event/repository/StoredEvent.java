package dev.polity.audit.event.repository;

import java.time.Instant;

/**
 * One entry of the audit log. {@code data} is null once the payload has expired; its hash and the leaf hash stay.
 *
 * @param attributes the Kafka headers as received, a JSON array of {@code [name, value]} pairs
 * @param leafHash   the Merkle leaf hash the log committed to
 */
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
        String dataSha256,
        byte[] leafHash,
        String attributes,
        Instant receivedAt,
        String retentionClass,
        Instant payloadExpiresAt) {

    public boolean payloadExpired() {
        return data == null;
    }
}
