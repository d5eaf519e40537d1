package dev.polity.registry.lifecycle.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One status move of a version: who, when, why, on which decision and sign-offs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HistoryEntryView(
        String fromStatus,
        String toStatus,
        String movedBy,
        Instant movedAt,
        String reason,
        UUID transitionId,
        boolean rollback,
        boolean automatic,
        String decisionId,
        String decisionOutcome,
        Long bundleRevision,
        Map<String, Object> constraints,
        List<Map<String, Object>> signOffs) {
}
