package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * What the verifier found.
 *
 * @param ok                      true when every signature, proof, leaf and root checked out
 * @param firstSequence           the first entry checked (0 when none)
 * @param lastSequence            the last entry checked (0 when none)
 * @param verifiedTreeSize        the largest checkpoint size up to which everything matched (signatures, consistency,
 *                                every leaf and root)
 * @param latestCheckpoint        the newest checkpoint seen, or null
 * @param unsignedEntries         entries after the newest checkpoint: checked leaf by leaf, not yet covered by a signed root
 * @param firstMismatchSequence   the first sequence number whose entry does not match what the log committed to, or
 *                                null (a root that does not match without a mismatching entry names its checkpoint)
 * @param firstMismatchTreeSize   the first checkpoint whose root or signature did not match, or null
 * @param problems                the first problems found, in order (at most {@value AuditVerifier#MAX_PROBLEMS})
 * @param problemsTotal           how many problems in all
 */
public record VerificationReport(
        @JsonProperty("ok") boolean ok,
        @JsonProperty("origin") String origin,
        @JsonProperty("entries_checked") long entriesChecked,
        @JsonProperty("checkpoints_checked") long checkpointsChecked,
        @JsonProperty("first_sequence") long firstSequence,
        @JsonProperty("last_sequence") long lastSequence,
        @JsonProperty("verified_tree_size") long verifiedTreeSize,
        @JsonProperty("latest_checkpoint") Checkpoint latestCheckpoint,
        @JsonProperty("unsigned_entries") long unsignedEntries,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("first_mismatch_sequence") Long firstMismatchSequence,
        @JsonInclude(JsonInclude.Include.ALWAYS) @JsonProperty("first_mismatch_tree_size") Long firstMismatchTreeSize,
        @JsonProperty("problems") List<Problem> problems,
        @JsonProperty("problems_total") long problemsTotal) {

    /**
     * One finding.
     *
     * @param sequence the entry it concerns, or null
     * @param treeSize the checkpoint it concerns, or null
     */
    public record Problem(
            @JsonProperty("sequence") Long sequence,
            @JsonProperty("tree_size") Long treeSize,
            @JsonProperty("problem") String problem) {
    }
}
