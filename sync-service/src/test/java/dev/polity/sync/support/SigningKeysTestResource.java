package dev.polity.sync.support;

import dev.polity.contracts.crypto.Ed25519;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.security.KeyPair;
import java.util.Map;

/** A fresh Ed25519 bundle signing key pair for the test run. Tests read the public key from the config. */
public class SigningKeysTestResource implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        KeyPair pair = Ed25519.generateKeyPair();
        return Map.of(
                "polity.bundles.signing-private-key", Ed25519.encodePrivateKey(pair.getPrivate()),
                "polity.bundles.signing-public-key", Ed25519.encodePublicKey(pair.getPublic()));
    }

    @Override
    public void stop() {
    }
}
