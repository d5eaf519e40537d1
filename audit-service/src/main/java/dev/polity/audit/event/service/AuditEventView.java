package dev.polity.audit.event.service;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * One event of the audit log as the API shows it.
 *
 * @param sequence   position in the log, 1-based and gap-free
 * @param data       the event data: parsed JSON when the content type is JSON, else base64 text;
 *                   null when the payload has expired
 * @param dataSha256 lower-case hex SHA-256 of the data bytes exactly as received
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
        String dataSha256) {
}
