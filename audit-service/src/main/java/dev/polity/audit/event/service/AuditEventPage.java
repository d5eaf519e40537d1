package dev.polity.audit.event.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * A page of events in sequence order.
 *
 * @param nextAfter the {@code after} value for the next page, or null when this is the last page
 */
public record AuditEventPage(
        List<AuditEventView> items,
        @JsonInclude(JsonInclude.Include.ALWAYS) Long nextAfter) {
}
