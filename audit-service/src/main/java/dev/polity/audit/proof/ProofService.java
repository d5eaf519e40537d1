package dev.polity.audit.proof;

import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.event.repository.StoredEvent;
import dev.polity.audit.log.AuditLog;
import dev.polity.audit.log.MerkleNodes;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.ConsistencyProof;
import dev.polity.contracts.audit.InclusionProof;
import dev.polity.contracts.audit.Merkle;
import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Inclusion and consistency proofs computed from the stored tree. */
@ApplicationScoped
public class ProofService {

    private final Pool pool;
    private final MerkleNodes nodes;
    private final CheckpointRepository checkpoints;
    private final AuditLog log;

    ProofService(Pool pool, MerkleNodes nodes, CheckpointRepository checkpoints, AuditLog log) {
        this.pool = pool;
        this.nodes = nodes;
        this.checkpoints = checkpoints;
        this.log = log;
    }

    /**
     * The inclusion proof of an event against the checkpoint of {@code treeSize}, or the latest checkpoint.
     *
     * @throws ProblemException 404 without such a checkpoint, 409 when the event is newer than the checkpoint
     */
    public Uni<EventProof> inclusion(StoredEvent event, Long treeSize) {
        Uni<Optional<Checkpoint>> checkpoint = treeSize == null ? checkpoints.latest() : checkpoints.find(treeSize);
        return checkpoint.chain(found -> {
            Checkpoint signed = found.orElseThrow(() -> treeSize == null
                    ? ProblemException.conflict("the audit log has no signed checkpoint yet; retry shortly")
                    : ProblemException.notFound("there is no checkpoint of tree size " + treeSize));
            if (signed.treeSize() < event.sequence()) {
                throw ProblemException.conflict("event " + event.sequence() + " is newer than checkpoint " + signed.treeSize()
                        + (treeSize == null ? "; the next checkpoint will include it, retry shortly" : ""));
            }
            long index = event.sequence() - 1;
            return nodes.load(pool, Merkle.subtreesForInclusion(index, signed.treeSize()))
                    .map(source -> EventProof.of(event.sequence(), InclusionProof.of(index, signed.treeSize(), event.leafHash(),
                            Merkle.inclusionProof(index, signed.treeSize(), source)), signed));
        });
    }

    /** Inclusion proofs of several events against one checkpoint, in two queries; events newer than it get none. */
    public Uni<Map<Long, InclusionProof>> inclusion(Collection<StoredEvent> events, Checkpoint checkpoint) {
        Set<Merkle.Subtree> needed = new LinkedHashSet<>();
        for (StoredEvent event : events) {
            if (event.sequence() <= checkpoint.treeSize()) {
                needed.addAll(Merkle.subtreesForInclusion(event.sequence() - 1, checkpoint.treeSize()));
            }
        }
        if (needed.isEmpty()) {
            return Uni.createFrom().item(Map.of());
        }
        return nodes.load(pool, needed).map(source -> {
            Map<Long, InclusionProof> proofs = new HashMap<>();
            for (StoredEvent event : events) {
                if (event.sequence() <= checkpoint.treeSize()) {
                    long index = event.sequence() - 1;
                    proofs.put(event.sequence(), InclusionProof.of(index, checkpoint.treeSize(), event.leafHash(),
                            Merkle.inclusionProof(index, checkpoint.treeSize(), source)));
                }
            }
            return proofs;
        });
    }

    /**
     * The consistency proof from {@code first} to {@code second} leaves ({@code second} defaults to the latest
     * checkpoint).
     *
     * @throws ProblemException 400 unless {@code 0 <= first <= second <= log size}
     */
    public Uni<ConsistencyView> consistency(long first, Long second) {
        Uni<Long> to = second != null ? Uni.createFrom().item(second)
                : checkpoints.latest().map(latest -> latest.map(Checkpoint::treeSize).orElseThrow(
                        () -> ProblemException.conflict("the audit log has no signed checkpoint yet; retry shortly")));
        return to.chain(secondSize -> log.head().chain(head -> {
            if (first < 0 || first > secondSize) {
                throw ProblemException.invalidField("first", "must be between 0 and second (" + secondSize + ")");
            }
            if (secondSize > head.size()) {
                throw ProblemException.invalidField("second", "must be at most the log's size (" + head.size() + ")");
            }
            return nodes.load(pool, Merkle.subtreesForConsistency(first, secondSize)).chain(source -> {
                ConsistencyProof proof = ConsistencyProof.of(first, secondSize, Merkle.consistencyProof(first, secondSize, source));
                return checkpoints.find(first).chain(firstCheckpoint -> checkpoints.find(secondSize).map(secondCheckpoint ->
                        new ConsistencyView(first, secondSize, proof.proof(), firstCheckpoint.orElse(null),
                                secondCheckpoint.orElse(null))));
            });
        }));
    }

    /** The consistency proof between two sizes, for exports. */
    public Uni<ConsistencyProof> consistencyProof(long first, long second) {
        return nodes.load(pool, Merkle.subtreesForConsistency(first, second))
                .map(source -> ConsistencyProof.of(first, second, Merkle.consistencyProof(first, second, source)));
    }

    /** The frontier hashes of the tree of {@code size} leaves, largest subtree first. */
    public Uni<java.util.List<byte[]>> frontier(long size) {
        java.util.List<Merkle.Subtree> subtrees = Merkle.frontierSubtrees(size);
        return nodes.load(pool, subtrees)
                .map(source -> subtrees.stream().map(s -> source.hash(s.level(), s.index())).toList());
    }
}
