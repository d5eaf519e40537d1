package dev.polity.sync.organization.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The body of {@code POST /api/v1/organizations}. */
@Schema(name = "NewOrganization", description = "An organisation joining the federation")
public record NewOrganization(
        @Schema(description = "1-63 lower-case letters, digits or dashes; immutable", required = true, example = "acme")
        String id,
        @Schema(description = "Display name", required = true, example = "Acme Corp")
        String name,
        @Schema(description = "Membership tier", required = true,
                enumeration = {"enterprise", "business", "research", "startup", "academic"})
        String tier,
        @Schema(description = "Region token, lower-case (global, eu, us, apac, ...)", required = true, example = "eu")
        String region,
        @Schema(description = "Id of an existing parent organisation, whose organisation-scoped policies also apply", nullable = true)
        String parentOrganization) {
}
