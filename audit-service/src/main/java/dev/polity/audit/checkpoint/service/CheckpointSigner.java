package dev.polity.audit.checkpoint.service;

import dev.polity.audit.config.AuditConfig;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.LogKey;
import dev.polity.contracts.crypto.Ed25519;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Holds the checkpoint signing key pair (and the public keys of earlier pairs). Created at start-up: keys that
 * cannot be read or that do not form a pair stop the service, with a message naming the configuration keys.
 */
@Startup
@ApplicationScoped
public class CheckpointSigner {

    private static final Logger LOG = Logger.getLogger(CheckpointSigner.class);
    private static final byte[] PROBE = "polity audit-service checkpoint key probe".getBytes(StandardCharsets.UTF_8);

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final String origin;
    private final Map<String, PublicKey> trustedKeys = new LinkedHashMap<>();

    CheckpointSigner(AuditConfig config) {
        AuditConfig.Checkpoint settings = config.checkpoint();
        try {
            privateKey = Ed25519.decodePrivateKey(settings.signingPrivateKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("polity.audit.checkpoint.signing-private-key is not a base64 PKCS#8 Ed25519"
                    + " private key (e.g. the body of 'openssl genpkey -algorithm ed25519')");
        }
        try {
            publicKey = Ed25519.decodePublicKey(settings.signingPublicKey());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("polity.audit.checkpoint.signing-public-key is not a base64 X.509 Ed25519"
                    + " public key (e.g. the body of 'openssl pkey -pubout')");
        }
        if (!Ed25519.verify(publicKey, PROBE, Ed25519.sign(privateKey, PROBE))) {
            throw new IllegalStateException("polity.audit.checkpoint.signing-private-key and signing-public-key are not a"
                    + " key pair (key id " + Ed25519.keyId(publicKey) + "): configure the public key of the private key");
        }
        origin = config.logId();
        trustedKeys.put(Ed25519.keyId(publicKey), publicKey);
        for (String previous : settings.previousPublicKeys().orElse(List.of())) {
            try {
                PublicKey key = Ed25519.decodePublicKey(previous);
                trustedKeys.putIfAbsent(Ed25519.keyId(key), key);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("polity.audit.checkpoint.previous-public-keys holds a value that is not a"
                        + " base64 X.509 Ed25519 public key");
            }
        }
        LOG.infof("Signing checkpoints of audit log '%s' with Ed25519 key %s", origin, Ed25519.keyId(publicKey));
    }

    public Checkpoint sign(long treeSize, byte[] rootHash, Instant timestamp) {
        return Checkpoint.sign(origin, treeSize, rootHash, timestamp, privateKey, publicKey);
    }

    /** Whether a stored checkpoint carries a valid signature by one of the log's keys. */
    public boolean verify(Checkpoint checkpoint) {
        PublicKey key = trustedKeys.get(checkpoint.keyId());
        return key != null && origin.equals(checkpoint.origin()) && checkpoint.verify(key);
    }

    public String origin() {
        return origin;
    }

    public String keyId() {
        return Ed25519.keyId(publicKey);
    }

    /** The current key first, then earlier ones. */
    public List<LogKey> publicKeys() {
        List<LogKey> keys = new ArrayList<>();
        trustedKeys.values().forEach(key -> keys.add(LogKey.of(key)));
        return keys;
    }

    public Map<String, PublicKey> trustedKeys() {
        return Map.copyOf(trustedKeys);
    }
}
