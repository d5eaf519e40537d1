package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * RFC 9162 inclusion proof: leaf {@code leafIndex} (the event with sequence {@code leafIndex + 1}) with hash
 * {@code leafHash} is in the tree of {@code treeSize} leaves.
 *
 * @param auditPath lower-case hex hashes, leaf side first
 */
public record InclusionProof(
        @JsonProperty("leaf_index") long leafIndex,
        @JsonProperty("tree_size") long treeSize,
        @JsonProperty("leaf_hash") String leafHash,
        @JsonProperty("audit_path") List<String> auditPath) {

    public InclusionProof {
        auditPath = auditPath == null ? List.of() : List.copyOf(auditPath);
    }

    public static InclusionProof of(long leafIndex, long treeSize, byte[] leafHash, List<byte[]> path) {
        return new InclusionProof(leafIndex, treeSize, AuditEntries.hex(leafHash), path.stream().map(AuditEntries::hex).toList());
    }

    /** Whether this proof leads to {@code rootHash} (hex). */
    public boolean verify(String rootHash) {
        try {
            return Merkle.verifyInclusion(leafIndex, treeSize, AuditEntries.unhex(leafHash),
                    auditPath.stream().map(AuditEntries::unhex).toList(), AuditEntries.unhex(rootHash));
        } catch (IllegalArgumentException malformedHex) {
            return false;
        }
    }
}
