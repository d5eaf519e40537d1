package dev.polity.contracts.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class Ed25519Test {

    // RFC 8032 §7.1, TEST 1 (empty message). Ed25519 is deterministic, so the signature is fixed.
    private static final String SECRET = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
    private static final String PUBLIC = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    private static final String SIGNATURE = "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
            + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b";
    private static final String PKCS8_PREFIX = "302e020100300506032b657004220420";
    private static final String X509_PREFIX = "302a300506032b6570032100";

    private static PrivateKey rfcPrivateKey() {
        return Ed25519.decodePrivateKey(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(PKCS8_PREFIX + SECRET)));
    }

    private static PublicKey rfcPublicKey() {
        return Ed25519.decodePublicKey(Base64.getEncoder().encodeToString(HexFormat.of().parseHex(X509_PREFIX + PUBLIC)));
    }

    @Test
    void reproducesTheRfc8032TestVector() {
        byte[] signature = Ed25519.sign(rfcPrivateKey(), new byte[0]);
        assertThat(HexFormat.of().formatHex(signature)).isEqualTo(SIGNATURE);
        assertThat(Ed25519.verify(rfcPublicKey(), new byte[0], signature)).isTrue();
    }

    @Test
    void aChangedByteBreaksTheSignature() {
        KeyPair keys = Ed25519.generateKeyPair();
        byte[] message = "{\"decision\":\"approved\"}".getBytes(StandardCharsets.UTF_8);
        byte[] signature = Ed25519.sign(keys.getPrivate(), message);
        assertThat(Ed25519.verify(keys.getPublic(), message, signature)).isTrue();

        byte[] tamperedMessage = message.clone();
        tamperedMessage[3] ^= 1;
        assertThat(Ed25519.verify(keys.getPublic(), tamperedMessage, signature)).isFalse();

        byte[] tamperedSignature = signature.clone();
        tamperedSignature[10] ^= 1;
        assertThat(Ed25519.verify(keys.getPublic(), message, tamperedSignature)).isFalse();

        assertThat(Ed25519.verify(Ed25519.generateKeyPair().getPublic(), message, signature)).isFalse();
    }

    @Test
    void keysRoundTripThroughBase64AndPem() {
        KeyPair keys = Ed25519.generateKeyPair();
        String pem = "-----BEGIN PUBLIC KEY-----\n" + Ed25519.encodePublicKey(keys.getPublic()) + "\n-----END PUBLIC KEY-----\n";
        assertThat(Ed25519.decodePublicKey(pem)).isEqualTo(keys.getPublic());
        assertThat(Ed25519.decodePrivateKey(Ed25519.encodePrivateKey(keys.getPrivate())).getEncoded())
                .isEqualTo(keys.getPrivate().getEncoded());
        assertThat(Ed25519.keyId(keys.getPublic())).hasSize(16).isEqualTo(Ed25519.keyId(Ed25519.decodePublicKey(pem)));
    }

    @Test
    void rejectsGarbageKeysWithAClearMessage() {
        assertThatThrownBy(() -> Ed25519.decodePublicKey("bm90IGEga2V5")).hasMessageContaining("Ed25519 public key");
    }

    @Test
    void hashesKnownInput() {
        assertThat(Hashes.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)))
                .isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
}
