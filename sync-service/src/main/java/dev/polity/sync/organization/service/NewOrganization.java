package dev.polity.sync.organization.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;

/** The body of {@code POST /api/v1/organizations} and {@code PUT /api/v1/organizations/{id}}. */
@Schema(name = "NewOrganization", description = "An organisation of the federation")
public record NewOrganization(
        @Schema(description = "1-63 lower-case letters, digits or dashes; immutable (on PUT: absent or the path's id)", example = "acme")
        String id,
        @Schema(description = "Display name", required = true, example = "Acme Corp")
        String name,
        @Schema(description = "Membership tier", required = true,
                enumeration = {"enterprise", "business", "research", "startup", "academic"})
        String tier,
        @Schema(description = "Region token, lower-case (global, eu, us, apac, ...)", required = true, example = "eu")
        String region,
        @Schema(description = "Id of an existing parent organisation, whose organisation-scoped policies also apply", nullable = true)
        String parentOrganization,
        @Schema(description = "The highest scope the organisation's authors speak for; default local",
                enumeration = {"global", "regional", "local"}, nullable = true)
        String policyAuthority,
        @Schema(description = "Kind of partnership with the federation, e.g. vendor", nullable = true, example = "vendor")
        String partnershipType,
        @Schema(description = "Ids of organisations this one trusts (e.g. for cross-organisation sharing)", nullable = true)
        List<String> trustedPartners,
        @Schema(description = "Ids of consortia the organisation is a member of", nullable = true)
        List<String> consortia,
        @Schema(description = "URL of the organisation's governance endpoint (its policy node or gateway)", nullable = true,
                example = "https://governance.acme.example")
        String governanceEndpoint) {

    /** Only the fields the walking skeleton knew; the rest take their defaults. */
    public static NewOrganization basic(String id, String name, String tier, String region, String parent) {
        return new NewOrganization(id, name, tier, region, parent, null, null, null, null, null);
    }

    /** The same request with defaults filled in: authority local, empty lists. */
    public NewOrganization normalized() {
        return new NewOrganization(id, name, tier, region, parentOrganization,
                policyAuthority == null ? "local" : policyAuthority, partnershipType,
                trustedPartners == null ? List.of() : List.copyOf(trustedPartners),
                consortia == null ? List.of() : List.copyOf(consortia), governanceEndpoint);
    }

    public NewOrganization withId(String newId) {
        return new NewOrganization(newId, name, tier, region, parentOrganization, policyAuthority, partnershipType,
                trustedPartners, consortia, governanceEndpoint);
    }
}
