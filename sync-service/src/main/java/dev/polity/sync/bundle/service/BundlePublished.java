package dev.polity.sync.bundle.service;

import dev.polity.contracts.bundle.PolicyDigest;

import java.util.List;

/** Data of a {@code polity.bundle.published} audit event. */
public record BundlePublished(String organizationId, long revision, String digest, String keyId,
                              List<PolicyDigest> policies) {
}
