package dev.polity.audit;

import dev.polity.contracts.crypto.Ed25519;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.security.KeyPair;
import java.util.Map;

/** A fresh Ed25519 checkpoint signing key pair for the test run. Tests read the public key from the config. */
public class SigningKeysTestResource implements QuarkusTestResourceLifecycleManager {

    private static KeyPair keys;

    @Override
    public synchronized Map<String, String> start() {
        if (keys == null) {
            keys = Ed25519.generateKeyPair();
        }
        return Map.of(
                "polity.audit.checkpoint.signing-private-key", Ed25519.encodePrivateKey(keys.getPrivate()),
                "polity.audit.checkpoint.signing-public-key", Ed25519.encodePublicKey(keys.getPublic()));
    }

    @Override
    public void stop() {
    }
}
