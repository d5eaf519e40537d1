package dev.polity.audit.export;

import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.checkpoint.service.CheckpointSigner;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.repository.AuditEventRepository;
import dev.polity.audit.log.AuditLog;
import dev.polity.contracts.audit.AuditVerifier;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.VerificationReport;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Verifies the whole log the way an auditor's offline verifier does (the same {@link AuditVerifier}): every
 * checkpoint signature, growth, every entry against its leaf hash, data hash and indexed columns, and every root.
 * Runs on request ({@code GET /api/v1/audit/verify}) and every {@code polity.audit.verification.interval}; each
 * run is recorded in {@code audit_verification}, which the compliance status reads.
 */
@ApplicationScoped
public class VerificationService {

    private static final Logger LOG = Logger.getLogger(VerificationService.class);

    private final AuditEventRepository events;
    private final CheckpointRepository checkpoints;
    private final CheckpointSigner signer;
    private final AuditLog log;
    private final Pool pool;
    private final int pageSize;
    private final AtomicReference<VerificationReport> last = new AtomicReference<>();

    VerificationService(AuditEventRepository events, CheckpointRepository checkpoints, CheckpointSigner signer, AuditLog log,
                        Pool pool, AuditConfig config, MeterRegistry meters) {
        this.events = events;
        this.checkpoints = checkpoints;
        this.signer = signer;
        this.log = log;
        this.pool = pool;
        this.pageSize = config.verification().pageSize();
        meters.gauge("polity.audit.verification.ok", last, ref -> ref.get() == null ? Double.NaN : ref.get().ok() ? 1 : 0);
    }

    @Scheduled(every = "${polity.audit.verification.interval}", delayed = "60s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduled() {
        return verify("audit-service").replaceWithVoid().onFailure().recoverWithItem(failure -> {
            LOG.warnf("scheduled verification failed to run: %s", failure.toString());
            return null;
        });
    }

    /** Verifies every entry up to the log's current size and records the result. */
    public Uni<VerificationReport> verify(String requestedBy) {
        return log.head().chain(head -> allCheckpoints(0, head.size(), new ArrayList<>()).chain(signed -> {
            AuditVerifier verifier = new AuditVerifier(signer.origin(), signer.trustedKeys(), false);
            verifier.start(0, null, List.of());
            verifier.checkpoints(signed);
            return feed(verifier, 0, head.size()).map(ignored -> verifier.finish());
        })).call(report -> record(report, requestedBy)).invoke(report -> {
            last.set(report);
            if (!report.ok()) {
                LOG.errorf("audit log verification FAILED: %d problem(s), first mismatching sequence %s, checkpoint %s: %s",
                        report.problemsTotal(), report.firstMismatchSequence(), report.firstMismatchTreeSize(),
                        report.problems().isEmpty() ? "" : report.problems().getFirst().problem());
            }
        });
    }

    /** The most recent recorded verification, if any. */
    public Uni<Optional<RecordedVerification>> latestRecorded() {
        return pool.query("""
                        select verified_at, ok, verified_tree_size, latest_checkpoint_size, first_mismatch_sequence,
                               first_mismatch_tree_size from audit_verification order by id desc limit 1""").execute()
                .map(rows -> {
                    if (rows.rowCount() == 0) {
                        return Optional.empty();
                    }
                    Row row = rows.iterator().next();
                    return Optional.of(new RecordedVerification(row.getOffsetDateTime(0).toInstant(), row.getBoolean(1),
                            row.getLong(2), row.getLong(3), row.getLong(4), row.getLong(5)));
                });
    }

    /** A verification run as recorded. */
    public record RecordedVerification(Instant verifiedAt, boolean ok, long verifiedTreeSize, Long latestCheckpointSize,
                                       Long firstMismatchSequence, Long firstMismatchTreeSize) {
    }

    private Uni<List<Checkpoint>> allCheckpoints(long after, long upTo, List<Checkpoint> collected) {
        return checkpoints.range(after, upTo, pageSize).chain(page -> {
            collected.addAll(page);
            return page.size() < pageSize ? Uni.createFrom().item(collected)
                    : allCheckpoints(page.getLast().treeSize(), upTo, collected);
        });
    }

    private Uni<Void> feed(AuditVerifier verifier, long after, long upTo) {
        if (after >= upTo) {
            return Uni.createFrom().voidItem();
        }
        return events.range(after, upTo, pageSize)
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .chain(page -> {
                    if (page.isEmpty()) {
                        return Uni.createFrom().voidItem();
                    }
                    page.forEach(event -> verifier.entry(ExportEntries.of(event, true)));
                    return feed(verifier, page.getLast().sequence(), upTo);
                });
    }

    private Uni<Void> record(VerificationReport report, String requestedBy) {
        List<Object> values = new ArrayList<>();
        values.add(Instant.now().atOffset(ZoneOffset.UTC));
        values.add(requestedBy);
        values.add(report.ok());
        values.add(report.entriesChecked());
        values.add(report.verifiedTreeSize());
        values.add(report.latestCheckpoint() == null ? null : report.latestCheckpoint().treeSize());
        values.add(report.firstMismatchSequence());
        values.add(report.firstMismatchTreeSize());
        values.add(report.problemsTotal());
        return pool.preparedQuery("""
                        insert into audit_verification (verified_at, requested_by, ok, entries_checked, verified_tree_size,
                            latest_checkpoint_size, first_mismatch_sequence, first_mismatch_tree_size, problems_total)
                        values ($1, $2, $3, $4, $5, $6, $7, $8, $9)""")
                .execute(Tuple.from(values)).replaceWithVoid();
    }
}
