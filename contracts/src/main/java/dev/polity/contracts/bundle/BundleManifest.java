package dev.polity.contracts.bundle;

import java.util.List;

/**
 * What the central authority signs for one organisation. The signature covers the canonical
 * JSON of the whole manifest; {@code digest} is SHA-256 over the canonical JSON of
 * {@code organizationId}, {@code revision}, {@code createdAt} and {@code policies}, so the
 * manifest commits to every policy byte through the policy hashes.
 *
 * @param revision  only goes up, per organisation
 * @param createdAt RFC 3339 instant, kept as text so it hashes exactly as signed
 * @param keyId     {@link dev.polity.contracts.crypto.Ed25519#keyId} of the signing key
 * @param algorithm signature algorithm, named so that it can change; {@code Ed25519} today
 */
public record BundleManifest(
        String organizationId,
        long revision,
        String createdAt,
        List<PolicyDigest> policies,
        String digest,
        String keyId,
        String algorithm) {

    public BundleManifest {
        policies = policies == null ? List.of() : List.copyOf(policies);
    }
}
