package dev.polity.sync.bundle.service;

import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.sync.config.BundleSigningConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.List;

/**
 * Holds the bundle signing key pair. Created at start-up: keys that cannot be read or that do not
 * form a pair stop the service from starting, with a message naming the configuration keys.
 */
@Startup
@ApplicationScoped
public class BundleSigner {

    private static final Logger LOG = Logger.getLogger(BundleSigner.class);
    private static final byte[] PROBE = "polity sync-service signing key probe".getBytes(StandardCharsets.UTF_8);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String keyId;

    public BundleSigner(BundleSigningConfig config) {
        this.privateKey = readPrivateKey(config.signingPrivateKey());
        this.publicKey = readPublicKey(config.signingPublicKey());
        this.keyId = Ed25519.keyId(publicKey);
        if (!formPair(privateKey, publicKey)) {
            throw new IllegalStateException("polity.bundles.signing-private-key and polity.bundles.signing-public-key"
                    + " are not a key pair: a probe signed with the private key does not verify with the public key "
                    + "(key id " + keyId + "). Configure the public key that belongs to the private key.");
        }
        LOG.infof("Signing policy bundles with Ed25519 key %s", keyId);
    }

    public SignedBundle sign(String organizationId, long revision, Instant createdAt, List<PolicyDocument> policies) {
        return Bundles.sign(organizationId, revision, createdAt, policies, privateKey, publicKey);
    }

    public String keyId() {
        return keyId;
    }

    public SigningKey signingKey() {
        return new SigningKey(keyId, Ed25519.ALGORITHM, Ed25519.encodePublicKey(publicKey));
    }

    private static boolean formPair(PrivateKey privateKey, PublicKey publicKey) {
        try {
            return Ed25519.verify(publicKey, PROBE, Ed25519.sign(privateKey, PROBE));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static PrivateKey readPrivateKey(String text) {
        try {
            return Ed25519.decodePrivateKey(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("polity.bundles.signing-private-key is not a base64 PKCS#8 Ed25519 private key"
                    + " (e.g. the body of 'openssl genpkey -algorithm ed25519')");
        }
    }

    private static PublicKey readPublicKey(String text) {
        try {
            return Ed25519.decodePublicKey(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("polity.bundles.signing-public-key is not a base64 X.509 Ed25519 public key"
                    + " (e.g. the body of 'openssl pkey -pubout')");
        }
    }
}
