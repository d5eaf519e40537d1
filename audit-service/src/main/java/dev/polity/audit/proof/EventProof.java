package dev.polity.audit.proof;

import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.InclusionProof;

import java.util.List;

/**
 * An event's inclusion proof against a signed checkpoint: recompute the root from {@code leaf_hash} and
 * {@code audit_path} (RFC 9162 §2.1.3.2) and compare it with the checkpoint's {@code root_hash}, whose signature
 * verifies with the log's public key.
 *
 * @param leafIndex {@code sequence - 1}
 * @param auditPath lower-case hex hashes, leaf side first
 */
public record EventProof(
        long sequence,
        long leafIndex,
        long treeSize,
        String leafHash,
        List<String> auditPath,
        Checkpoint checkpoint) {

    public static EventProof of(long sequence, InclusionProof proof, Checkpoint checkpoint) {
        return new EventProof(sequence, proof.leafIndex(), proof.treeSize(), proof.leafHash(), proof.auditPath(), checkpoint);
    }
}
