package dev.polity.contracts.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.json.Json;
import dev.polity.contracts.policy.InvalidPolicyException;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Building, signing, reading and verifying policy bundles. */
public final class Bundles {

    private Bundles() {
    }

    /**
     * Builds and signs the bundle of one organisation. Policies are ordered by id so the same
     * set always yields the same digest.
     */
    public static SignedBundle sign(String organizationId, long revision, Instant createdAt,
                                    List<PolicyDocument> policies, PrivateKey signingKey, PublicKey publicKey) {
        if (revision < 1) {
            throw new IllegalArgumentException("revision must be 1 or more");
        }
        List<PolicyDocument> ordered = policies.stream().sorted(Comparator.comparing(PolicyDocument::id)).toList();
        List<PolicyDigest> digests = new ArrayList<>();
        for (PolicyDocument policy : ordered) {
            digests.add(new PolicyDigest(policy.id(), policy.version(), PolicyDocuments.sha256(policy)));
        }
        String created = createdAt.toString();
        String digest = digest(organizationId, revision, created, digests);
        BundleManifest manifest = new BundleManifest(organizationId, revision, created, digests, digest,
                Ed25519.keyId(publicKey), Ed25519.ALGORITHM);
        byte[] signature = Ed25519.sign(signingKey, CanonicalJson.canonicalize(manifest));
        return new SignedBundle(manifest, ordered, Base64.getEncoder().encodeToString(signature));
    }

    /**
     * Verifies a bundle for a node of {@code expectedOrganization}: the signing key is trusted,
     * the signature covers the manifest, the digest matches, and every policy is exactly the one
     * the manifest lists (no policy added, dropped or changed).
     *
     * @param trustedKeys key id to public key
     * @throws BundleVerificationException naming the first check that failed
     */
    public static void verify(SignedBundle bundle, String expectedOrganization, Map<String, PublicKey> trustedKeys) {
        BundleManifest manifest = bundle.manifest();
        if (manifest == null) {
            throw new BundleVerificationException("bundle has no manifest");
        }
        if (!Ed25519.ALGORITHM.equals(manifest.algorithm())) {
            throw new BundleVerificationException("unsupported signature algorithm '" + manifest.algorithm() + "'");
        }
        PublicKey key = trustedKeys.get(manifest.keyId());
        if (key == null) {
            throw new BundleVerificationException("bundle is signed with untrusted key '" + manifest.keyId() + "'");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(bundle.signature() == null ? "" : bundle.signature());
        } catch (IllegalArgumentException e) {
            throw new BundleVerificationException("signature is not base64");
        }
        if (!Ed25519.verify(key, CanonicalJson.canonicalize(manifest), signature)) {
            throw new BundleVerificationException("signature does not match the manifest");
        }
        if (!manifest.organizationId().equals(expectedOrganization)) {
            throw new BundleVerificationException("bundle is for organization '" + manifest.organizationId()
                    + "', not '" + expectedOrganization + "'");
        }
        String expectedDigest = digest(manifest.organizationId(), manifest.revision(), manifest.createdAt(), manifest.policies());
        if (!expectedDigest.equals(manifest.digest())) {
            throw new BundleVerificationException("manifest digest does not match its contents");
        }
        if (bundle.policies().size() != manifest.policies().size()) {
            throw new BundleVerificationException("bundle carries " + bundle.policies().size()
                    + " policies but the manifest lists " + manifest.policies().size());
        }
        Map<String, PolicyDocument> byId = new LinkedHashMap<>();
        for (PolicyDocument policy : bundle.policies()) {
            if (byId.put(policy.id(), policy) != null) {
                throw new BundleVerificationException("policy '" + policy.id() + "' appears twice");
            }
        }
        for (PolicyDigest entry : manifest.policies()) {
            PolicyDocument policy = byId.get(entry.id());
            if (policy == null) {
                throw new BundleVerificationException("policy '" + entry.id() + "' is listed but missing");
            }
            if (!PolicyDocuments.sha256(policy).equals(entry.sha256())) {
                throw new BundleVerificationException("policy '" + entry.id() + "' does not match its hash in the manifest");
            }
            try {
                PolicyDocuments.validate(policy);
            } catch (InvalidPolicyException e) {
                throw new BundleVerificationException("policy '" + entry.id() + "' is invalid: " + e.getMessage());
            }
        }
    }

    public static String toJson(SignedBundle bundle) {
        try {
            return Json.mapper().writeValueAsString(bundle);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Reads a bundle's JSON; the result still has to be {@link #verify verified}. */
    public static SignedBundle fromJson(byte[] json) {
        try {
            return Json.mapper().readValue(json, SignedBundle.class);
        } catch (java.io.IOException e) {
            throw new BundleVerificationException("bundle is not valid JSON: " + e.getMessage());
        }
    }

    private static String digest(String organizationId, long revision, String createdAt, List<PolicyDigest> policies) {
        Map<String, Object> covered = new LinkedHashMap<>();
        covered.put("organizationId", organizationId);
        covered.put("revision", revision);
        covered.put("createdAt", createdAt);
        covered.put("policies", policies);
        return Hashes.sha256Hex(CanonicalJson.canonicalize(covered));
    }
}
