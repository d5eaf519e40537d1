package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;

/**
 * Where an export begins: the tree of {@code treeSize} leaves before its first entry, as a signed checkpoint
 * (absent when {@code treeSize} is 0) and that tree's frontier (one hash per set bit of {@code treeSize}, largest
 * subtree first), from which the verifier recomputes every later root without the earlier entries.
 */
public record ExportStart(
        @JsonProperty("tree_size") long treeSize,
        @JsonProperty("checkpoint") Checkpoint checkpoint,
        @JsonProperty("frontier") List<String> frontier) {

    public ExportStart {
        frontier = frontier == null ? List.of() : List.copyOf(frontier);
    }
}
