package dev.polity.sync.organization.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;
import java.util.Objects;

/**
 * A federation member as the API shows it and as it is published, keyed by id, on
 * {@code polity.federation.organizations}.
 */
@Schema(name = "Organization")
public record Organization(String id, String name, String tier, String region, String parentOrganization,
                           Instant createdAt) {

    /** Whether a create request asks for exactly this organisation (then it is an idempotent repeat). */
    boolean sameContentAs(NewOrganization request) {
        return id.equals(request.id()) && name.equals(request.name()) && tier.equals(request.tier())
                && region.equals(request.region())
                && Objects.equals(parentOrganization, request.parentOrganization());
    }
}
