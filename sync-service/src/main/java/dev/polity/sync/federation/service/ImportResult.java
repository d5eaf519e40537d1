package dev.polity.sync.federation.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/** What importing a federation file did. Importing the same file again changes nothing. */
@Schema(name = "FederationImportResult")
public record ImportResult(
        String federationId,
        String federationName,
        @Schema(description = "Organisations added") List<String> created,
        @Schema(description = "Organisations whose fields changed") List<String> updated,
        @Schema(description = "Organisations already exactly as in the file") List<String> unchanged,
        @Schema(description = "policy_hierarchy entries now in force") int subscriptions,
        @Schema(description = "Policy ids the hierarchy names that are not authored yet; never enforced until they are")
        List<UnresolvedPolicy> unresolvedPolicies,
        @Schema(description = "Top-level keys the central authority does not read (e.g. a launcher's policy_files)")
        List<String> ignoredKeys,
        @Schema(description = "The settings as imported") Map<String, Object> settings) {

    @Schema(name = "UnresolvedPolicy")
    public record UnresolvedPolicy(String policyId,
                                   @Schema(enumeration = {"global", "regional", "organization"}) String level,
                                   @Schema(description = "The region or organisation; empty for global") String key) {
    }
}
