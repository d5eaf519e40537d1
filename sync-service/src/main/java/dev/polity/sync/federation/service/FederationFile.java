package dev.polity.sync.federation.service;

import dev.polity.sync.organization.service.NewOrganization;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A parsed federation file (the federated-governance YAML format). Every element remembers its
 * 1-based line in the file, so that later checks (an unknown parent) can name it.
 */
public record FederationFile(
        String id,
        String name,
        List<Member> organizations,
        List<HierarchyEntry> hierarchy,
        Sync sync,
        Map<String, Object> audit,
        List<String> ignoredKeys,
        Map<String, Object> document) {

    public record Member(NewOrganization organization, int line, int parentLine) {
    }

    /** @param level global, regional or organization; @param key the region or organisation id, empty for global */
    public record HierarchyEntry(String level, String key, String policyId, int line) {
    }

    public record Sync(Duration syncInterval, Integer batchSize, Integer maxRetries, Double backoffMultiplier,
                       Duration maxBackoff, String strategy, Boolean requireApproval, Duration approvalTimeout) {
    }
}
