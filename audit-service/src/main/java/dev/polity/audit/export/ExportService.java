package dev.polity.audit.export;

import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.checkpoint.service.CheckpointSigner;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.repository.AuditEventRepository;
import dev.polity.audit.log.AuditLog;
import dev.polity.audit.proof.ProofService;
import dev.polity.contracts.audit.AuditEntries;
import dev.polity.contracts.audit.AuditExports;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.ConsistencyProof;
import dev.polity.contracts.audit.ExportStart;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Writes an audit export ({@link AuditExports}) of the events the log received in a time range: the start of the
 * range is rounded down and its end up to signed checkpoints, so that every exported entry is covered by a
 * signature and every root can be recomputed from the start checkpoint's frontier. Entries of organisations the
 * reader may not see are exported as their leaf hash only. Streamed page by page: any range fits in little memory.
 */
@ApplicationScoped
public class ExportService {

    private final AuditEventRepository events;
    private final CheckpointRepository checkpoints;
    private final CheckpointSigner signer;
    private final ProofService proofs;
    private final AuditLog log;
    private final int pageSize;

    ExportService(AuditEventRepository events, CheckpointRepository checkpoints, CheckpointSigner signer, ProofService proofs,
                  AuditLog log, AuditConfig config) {
        this.events = events;
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.proofs = proofs;
        this.log = log;
        this.pageSize = config.verification().pageSize();
    }

    /** What an export covers: entries {@code start.treeSize() + 1} to {@code end}. */
    private record Plan(ExportStart start, long end, List<Checkpoint> checkpoints, List<ConsistencyProof> proofs) {
    }

    /**
     * The export as a stream of byte chunks.
     *
     * @param organization only this organisation's entries in full (others as leaf hashes), or null for all
     */
    public Multi<byte[]> export(Instant from, Instant to, String organization) {
        Instant exportedAt = Instant.now();
        return Multi.createFrom().uni(plan(from, to)).onItem().transformToMultiAndConcatenate(plan -> {
            byte[] head = AuditExports.begin(signer.origin(), exportedAt, from, to, organization, signer.publicKeys(),
                    plan.start(), plan.checkpoints(), plan.proofs());
            Multi<byte[]> entries = pages(plan.start().treeSize(), plan.end(), organization);
            return Multi.createBy().concatenating().streams(
                    Multi.createFrom().item(head), entries, Multi.createFrom().item(AuditExports.end()));
        });
    }

    private Multi<byte[]> pages(long after, long end, String organization) {
        long[] cursor = {after};
        return Multi.createBy().repeating()
                .uni(() -> events.range(cursor[0], end, pageSize))
                .whilst(page -> page.size() == pageSize)
                .filter(page -> !page.isEmpty())
                .map(page -> {
                    boolean first = cursor[0] == after;
                    cursor[0] = page.getLast().sequence();
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(page.size() * 1024);
                    for (var event : page) {
                        out.writeBytes(AuditExports.entry(ExportEntries.of(event,
                                organization == null || Objects.equals(organization, event.organization())), first));
                        first = false;
                    }
                    return out.toByteArray();
                });
    }

    private Uni<Plan> plan(Instant from, Instant to) {
        Uni<Long> firstSequence = from == null ? Uni.createFrom().item(1L)
                : events.firstReceivedAtOrAfter(from).map(found -> found.orElse(Long.MAX_VALUE));
        Uni<Long> lastSequence = to == null ? log.head().map(head -> head.size())
                : events.lastReceivedBefore(to).map(found -> found.orElse(0L));
        return firstSequence.chain(first -> lastSequence.chain(last -> checkpoints.latest().chain(latest -> {
            long signedSize = latest.map(Checkpoint::treeSize).orElse(0L);
            long wantedLast = Math.min(last, signedSize);
            long startBefore = first == Long.MAX_VALUE ? wantedLast : Math.min(first - 1, wantedLast);
            return checkpoints.lastAtOrBefore(startBefore).chain(startCheckpoint -> {
                long startSize = startCheckpoint.map(Checkpoint::treeSize).orElse(0L);
                Uni<Optional<Checkpoint>> endCheckpoint = wantedLast <= startSize || first > last
                        ? Uni.createFrom().item(Optional.empty())
                        : checkpoints.firstCovering(wantedLast);
                return endCheckpoint.chain(endFound -> {
                    long end = endFound.map(Checkpoint::treeSize).orElse(startSize);
                    return proofs.frontier(startSize).chain(frontier -> checkpoints.range(startSize, end, Integer.MAX_VALUE)
                            .chain(inRange -> consistencyProofs(startSize, inRange).map(consistency -> new Plan(
                                    new ExportStart(startSize, startCheckpoint.orElse(null),
                                            frontier.stream().map(AuditEntries::hex).toList()),
                                    end, inRange, consistency))));
                });
            });
        })));
    }

    private Uni<List<ConsistencyProof>> consistencyProofs(long startSize, List<Checkpoint> inRange) {
        Uni<List<ConsistencyProof>> chain = Uni.createFrom().item(new ArrayList<>());
        long previous = startSize;
        for (Checkpoint checkpoint : inRange) {
            long first = previous;
            long second = checkpoint.treeSize();
            if (first > 0) {
                chain = chain.chain(list -> proofs.consistencyProof(first, second).map(proof -> {
                    list.add(proof);
                    return list;
                }));
            }
            previous = second;
        }
        return chain;
    }
}
