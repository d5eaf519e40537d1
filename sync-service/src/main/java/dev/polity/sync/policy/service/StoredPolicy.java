package dev.polity.sync.policy.service;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.time.Instant;

/**
 * One stored version of a policy, as the API shows it. {@code document} is the policy exactly as
 * stored (the contracts' field names, e.g. {@code messageExpression}), not re-cased.
 */
@Schema(name = "StoredPolicy")
public record StoredPolicy(
        @Schema(description = "Policy id", example = "bias-threshold") String id,
        @Schema(description = "Version, starting at 1; every change creates the next one") int version,
        @Schema(description = "SHA-256 (hex) of the document's canonical JSON, as listed in bundle manifests") String sha256,
        Instant createdAt,
        @Schema(description = "The policy document, its version field set", type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)
        JsonNode document) {
}
