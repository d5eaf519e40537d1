package dev.polity.audit.event.repository;

import java.time.Instant;

/**
 * Which events to read: every non-null criterion must match. {@code from} is inclusive, {@code to}
 * exclusive (on the event time); {@code after} is a sequence number, for keyset pagination.
 */
public record EventFilter(
        String subject,
        String type,
        String organization,
        String actor,
        Instant from,
        Instant to,
        Long after,
        int limit) {
}
