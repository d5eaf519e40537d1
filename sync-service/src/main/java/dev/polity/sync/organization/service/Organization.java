package dev.polity.sync.organization.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A federation member as the API shows it and as it is published, keyed by id, on
 * {@code polity.federation.organizations}.
 */
@Schema(name = "Organization")
public record Organization(String id, String name, String tier, String region, String parentOrganization,
                           String policyAuthority, String partnershipType, List<String> trustedPartners,
                           List<String> consortia, String governanceEndpoint, Instant createdAt, Instant updatedAt) {

    /** Whether a request asks for exactly this organisation (then it is an idempotent repeat). */
    public boolean sameContentAs(NewOrganization request) {
        NewOrganization r = request.normalized();
        return id.equals(r.id()) && name.equals(r.name()) && tier.equals(r.tier())
                && region.equals(r.region())
                && Objects.equals(parentOrganization, r.parentOrganization())
                && Objects.equals(policyAuthority, r.policyAuthority())
                && Objects.equals(partnershipType, r.partnershipType())
                && Objects.equals(trustedPartners, r.trustedPartners())
                && Objects.equals(consortia, r.consortia())
                && Objects.equals(governanceEndpoint, r.governanceEndpoint());
    }
}
