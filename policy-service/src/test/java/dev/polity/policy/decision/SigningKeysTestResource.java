package dev.polity.policy.decision;

import dev.polity.contracts.crypto.Ed25519;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.KeyPair;
import java.util.Map;

/**
 * Plays the central authority's key for the node under test: the node trusts {@link #KEYS}'s
 * public key, and tests sign bundles with its private key. Also gives the node a fresh state
 * directory per run.
 */
public class SigningKeysTestResource implements QuarkusTestResourceLifecycleManager {

    public static final KeyPair KEYS = Ed25519.generateKeyPair();
    public static final String ORGANIZATION = "acme";

    @Override
    public Map<String, String> start() {
        try {
            return Map.of(
                    "polity.node.organization-id", ORGANIZATION,
                    "polity.node.trusted-public-keys", Ed25519.encodePublicKey(KEYS.getPublic()),
                    "polity.node.state-directory", Files.createTempDirectory("policy-node-test").toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
