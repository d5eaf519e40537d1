package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.polity.contracts.crypto.Ed25519;

import java.security.PublicKey;

/**
 * A public key that signs checkpoints of the audit log.
 *
 * @param keyId     {@link Ed25519#keyId}: first 16 hex digits of SHA-256 of the encoded key
 * @param algorithm {@value Checkpoint#ALGORITHM_ED25519}
 * @param publicKey base64 of the X.509 SubjectPublicKeyInfo encoding ({@code openssl pkey -pubin} reads it)
 */
public record LogKey(
        @JsonProperty("key_id") String keyId,
        @JsonProperty("algorithm") String algorithm,
        @JsonProperty("public_key") String publicKey) {

    public static LogKey of(PublicKey key) {
        return new LogKey(Ed25519.keyId(key), Checkpoint.ALGORITHM_ED25519, Ed25519.encodePublicKey(key));
    }

    public PublicKey decode() {
        return Ed25519.decodePublicKey(publicKey);
    }
}
