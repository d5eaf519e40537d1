package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.List;

/** A model, what its owner says about it, and a summary of its versions. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelView(
        String organization,
        String name,
        String description,
        String owningTeam,
        String domain,
        List<String> tags,
        String accessLevel,
        boolean researchUseApproved,
        boolean academicUseApproved,
        boolean userFacing,
        boolean autonomousDecisions,
        Instant createdAt,
        String createdBy,
        Instant updatedAt,
        String updatedBy,
        Long versionCount,
        String latestVersion) {
}
