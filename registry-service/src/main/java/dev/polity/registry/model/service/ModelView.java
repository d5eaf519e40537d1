package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;

/** A model and a summary of its versions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(
        String organization,
        String name,
        Instant createdAt,
        String createdBy,
        long versionCount,
        String latestVersion) {
}
