package dev.polity.sync.bundle.service;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A public key that policy nodes should trust for bundle signatures. */
@Schema(name = "SigningKey")
public record SigningKey(
        @Schema(description = "Key id as bundle manifests name it (first 16 hex digits of SHA-256 of the encoded key)")
        String keyId,
        @Schema(description = "Signature algorithm", example = "Ed25519")
        String algorithm,
        @Schema(description = "Base64 of the X.509 SubjectPublicKeyInfo encoding")
        String publicKey) {
}
