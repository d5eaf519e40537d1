package dev.polity.audit.event.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import dev.polity.contracts.audit.Checkpoint;

import java.util.List;

/**
 * A page of events in sequence order.
 *
 * @param nextAfter  the {@code after} value for the next page, or null when this is the last page
 * @param checkpoint with {@code proof=true}: the signed checkpoint the items' inclusion proofs lead to
 */
public record AuditEventPage(
        List<AuditEventView> items,
        @JsonInclude(JsonInclude.Include.ALWAYS) Long nextAfter,
        @JsonInclude(JsonInclude.Include.NON_NULL) Checkpoint checkpoint) {
}
