package dev.polity.sync.authoring.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** A policy version compared with the one before it. */
@Schema(name = "PolicyVersionDiff")
public record VersionDiff(String policyId,
                          @Schema(description = "The previous version; null when comparing version 1 with nothing", nullable = true)
                          Integer fromVersion,
                          int toVersion,
                          List<PolicyDiff.Change> changes) {
}
