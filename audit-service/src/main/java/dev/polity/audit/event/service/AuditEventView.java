package dev.polity.audit.event.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.audit.InclusionProof;

import java.time.Instant;

/**
 * One event of the audit log as the API shows it.
 *
 * @param sequence       position in the log, 1-based and gap-free; the event is leaf {@code sequence - 1} of the tree
 * @param data           the event data: parsed JSON when the content type is JSON, else base64 text;
 *                       null when the payload has expired
 * @param dataSha256     lower-case hex SHA-256 of the data bytes exactly as received
 * @param leafHash       lower-case hex Merkle leaf hash the log committed to
 * @param receivedAt     when the log received the event
 * @param retentionClass the retention class of the event type
 * @param payloadExpired whether the payload was dropped by retention (its hashes stay)
 * @param inclusionProof the event's inclusion proof against the latest checkpoint, when asked for with
 *                       {@code proof=true} and the event is already covered by one
 */
public record AuditEventView(
        long sequence,
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String organization,
        String actor,
        String dataContentType,
        JsonNode data,
        String dataSha256,
        String leafHash,
        Instant receivedAt,
        String retentionClass,
        boolean payloadExpired,
        @JsonInclude(JsonInclude.Include.NON_NULL) InclusionProof inclusionProof) {
}
