package dev.polity.audit.proof;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.polity.contracts.audit.Checkpoint;

import java.util.List;

/**
 * A consistency proof between two tree sizes (RFC 9162 §2.1.4), with the signed checkpoints at those sizes when
 * there are any.
 *
 * @param proof lower-case hex hashes
 */
public record ConsistencyView(
        long firstSize,
        long secondSize,
        List<String> proof,
        @JsonInclude(JsonInclude.Include.ALWAYS) Checkpoint firstCheckpoint,
        @JsonInclude(JsonInclude.Include.ALWAYS) Checkpoint secondCheckpoint) {
}
