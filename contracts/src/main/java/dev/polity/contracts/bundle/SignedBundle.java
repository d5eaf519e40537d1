package dev.polity.contracts.bundle;

import dev.polity.contracts.policy.PolicyDocument;

import java.util.List;

/**
 * The unit a policy node receives: the manifest, the policies it lists, and the Ed25519
 * signature (base64) over the manifest's canonical JSON. This is the value of a
 * {@code polity.policy.bundles} record and the body of {@code GET /api/v1/bundles/{org}}.
 */
public record SignedBundle(BundleManifest manifest, List<PolicyDocument> policies, String signature) {

    public SignedBundle {
        policies = policies == null ? List.of() : List.copyOf(policies);
    }
}
