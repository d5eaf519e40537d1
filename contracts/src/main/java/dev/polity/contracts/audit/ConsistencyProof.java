package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * RFC 9162 consistency proof: the tree of {@code firstSize} leaves is a prefix of the tree of {@code secondSize}.
 *
 * @param proof lower-case hex hashes
 */
public record ConsistencyProof(
        @JsonProperty("first_size") long firstSize,
        @JsonProperty("second_size") long secondSize,
        @JsonProperty("proof") List<String> proof) {

    public ConsistencyProof {
        proof = proof == null ? List.of() : List.copyOf(proof);
    }

    public List<byte[]> proofBytes() {
        return proof.stream().map(AuditEntries::unhex).toList();
    }

    public static ConsistencyProof of(long firstSize, long secondSize, List<byte[]> proof) {
        return new ConsistencyProof(firstSize, secondSize, proof.stream().map(AuditEntries::hex).toList());
    }
}
