package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.polity.contracts.crypto.Ed25519;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A signed statement of the audit log's state: its origin (the log id), tree size and root hash at a time. The
 * signed bytes are the checkpoint {@link #body()}, a text in the spirit of C2SP {@code tlog-checkpoint}:
 *
 * <pre>
 * &lt;origin&gt;
 * &lt;tree size, decimal&gt;
 * &lt;root hash, base64&gt;
 * timestamp &lt;RFC 3339, UTC&gt;
 * </pre>
 *
 * (each line ending in {@code \n}). The signature names its algorithm ({@value #ALGORITHM_ED25519} today) and
 * its key ({@link Ed25519#keyId}) so that keys and algorithms can change without ambiguity. This record is also
 * the JSON of {@code GET /api/v1/audit/checkpoints} and the value of {@code polity.audit.checkpoints} records.
 *
 * @param rootHash  lower-case hex SHA-256 root of the first {@code treeSize} leaves
 * @param signature base64 signature of {@link #body()}
 */
public record Checkpoint(
        @JsonProperty("origin") String origin,
        @JsonProperty("tree_size") long treeSize,
        @JsonProperty("root_hash") String rootHash,
        @JsonProperty("timestamp") Instant timestamp,
        @JsonProperty("key_id") String keyId,
        @JsonProperty("algorithm") String algorithm,
        @JsonProperty("signature") String signature) {

    public static final String ALGORITHM_ED25519 = "Ed25519";

    public Checkpoint {
        Objects.requireNonNull(origin, "origin");
        Objects.requireNonNull(rootHash, "root_hash");
        Objects.requireNonNull(timestamp, "timestamp");
        if (origin.isBlank() || origin.contains("\n")) {
            throw new IllegalArgumentException("origin must be one non-blank line");
        }
        if (treeSize < 0) {
            throw new IllegalArgumentException("tree_size must not be negative");
        }
    }

    /** Signs the state of the log with an Ed25519 key; the timestamp is kept to the microsecond. */
    public static Checkpoint sign(String origin, long treeSize, byte[] rootHash, Instant timestamp,
                                  PrivateKey privateKey, PublicKey publicKey) {
        Checkpoint unsigned = new Checkpoint(origin, treeSize, HexFormat.of().formatHex(rootHash),
                timestamp.truncatedTo(ChronoUnit.MICROS), Ed25519.keyId(publicKey), ALGORITHM_ED25519, null);
        byte[] signature = Ed25519.sign(privateKey, unsigned.body());
        return unsigned.withSignature(Base64.getEncoder().encodeToString(signature));
    }

    /** The bytes that are signed. */
    public byte[] body() {
        return (origin + "\n" + treeSize + "\n" + Base64.getEncoder().encodeToString(rootHashBytes()) + "\n"
                + "timestamp " + timestamp + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @JsonIgnore
    public byte[] rootHashBytes() {
        return HexFormat.of().parseHex(rootHash);
    }

    /** True only if the algorithm is Ed25519, the key id is this key's and the signature over {@link #body()} holds. */
    public boolean verify(PublicKey publicKey) {
        if (!ALGORITHM_ED25519.equals(algorithm) || signature == null || !Ed25519.keyId(publicKey).equals(keyId)) {
            return false;
        }
        try {
            return Ed25519.verify(publicKey, body(), Base64.getDecoder().decode(signature));
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    public Checkpoint withSignature(String base64Signature) {
        return new Checkpoint(origin, treeSize, rootHash, timestamp, keyId, algorithm, base64Signature);
    }
}
