package dev.polity.audit.checkpoint.service;

import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.log.LogHead;
import dev.polity.audit.log.MerkleNodes;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.Merkle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Signs checkpoints: once {@code polity.audit.checkpoint.max-events} events were appended since the last one, and
 * every {@code polity.audit.checkpoint.interval} while the log grows. Before signing it recomputes the root from
 * the stored tree, checks it against the head, checks the previous checkpoint's signature and proves the new tree
 * consistent with it (RFC 9162): a checkpoint that would contradict an earlier one is never signed; the refusal
 * is logged, counted in {@code polity_audit_checkpoints_refused_total} and turns the {@code audit-checkpoints}
 * health check DOWN. Replicas take turns through a PostgreSQL advisory lock; checkpoints are then published on
 * {@code polity.audit.checkpoints}.
 */
@ApplicationScoped
public class CheckpointService {

    private static final Logger LOG = Logger.getLogger(CheckpointService.class);
    /** Advisory lock key of checkpoint signing ("polity-c" in ASCII). */
    private static final long SIGNING_LOCK = 0x706f6c6974792d63L;

    private final Pool pool;
    private final CheckpointRepository checkpoints;
    private final MerkleNodes nodes;
    private final CheckpointSigner signer;
    private final CheckpointPublisher publisher;
    private final AuditConfig config;
    private final Counter signed;
    private final Counter refused;

    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicLong signedSize = new AtomicLong(-1);
    private final AtomicReference<String> refusal = new AtomicReference<>();

    CheckpointService(Pool pool, CheckpointRepository checkpoints, MerkleNodes nodes, CheckpointSigner signer,
                      CheckpointPublisher publisher, AuditConfig config, MeterRegistry meters) {
        this.pool = pool;
        this.checkpoints = checkpoints;
        this.nodes = nodes;
        this.signer = signer;
        this.publisher = publisher;
        this.config = config;
        this.signed = Counter.builder("polity.audit.checkpoints.signed").description("Checkpoints signed").register(meters);
        this.refused = Counter.builder("polity.audit.checkpoints.refused")
                .description("Checkpoints not signed because the tree did not match the head or an earlier checkpoint")
                .register(meters);
    }

    void onStart(@Observes StartupEvent start) {
        request();
    }

    void onStop(@Observes ShutdownEvent stop) {
        stopping.set(true);
    }

    /** Called after each append with the log's new size. */
    public void appended(long size) {
        long last = signedSize.get();
        if (last < 0 || size - last >= config.checkpoint().maxEvents()) {
            request();
        }
    }

    @Scheduled(every = "${polity.audit.checkpoint.interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        request();
    }

    /** Why the last attempt refused to sign, or null when it did not. */
    public String refusal() {
        return refusal.get();
    }

    /** Signs a checkpoint now if the log grew since the last one (and publishes what is unpublished). */
    public void request() {
        if (stopping.get()) {
            return;
        }
        again.set(true);
        if (!running.compareAndSet(false, true)) {
            return;
        }
        runWhileRequested();
    }

    private void runWhileRequested() {
        again.set(false);
        checkpointNow()
                .ifNoItem().after(Duration.ofSeconds(60)).fail()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("checkpoint not signed yet: %s", failure.toString());
                    return Optional.empty();
                })
                .chain(ignored -> publisher.publishPending().onFailure().recoverWithItem(failure -> {
                    LOG.warnf("checkpoints not published yet: %s", failure.toString());
                    return null;
                }))
                .subscribe().with(ignored -> finishRun(), failure -> finishRun());
    }

    private void finishRun() {
        running.set(false);
        if (again.get() && running.compareAndSet(false, true)) {
            runWhileRequested();
        }
    }

    /**
     * Signs a checkpoint for the log's current head, unless the latest checkpoint already covers it.
     *
     * @return the new checkpoint, or empty when there was nothing new to sign
     */
    public Uni<Optional<Checkpoint>> checkpointNow() {
        return pool.withTransaction(connection -> connection.query("select pg_advisory_xact_lock(" + SIGNING_LOCK + ")").execute()
                .chain(() -> checkpoints.latest(connection))
                .chain(latest -> head(connection).chain(head -> {
                    long from = latest.map(Checkpoint::treeSize).orElse(0L);
                    if (head.size() <= from) {
                        signedSize.set(from);
                        return Uni.createFrom().item(Optional.<Checkpoint>empty());
                    }
                    return signIfConsistent(connection, latest, head)
                            .call(checkpoint -> checkpoints.insert(connection, checkpoint))
                            .map(Optional::of);
                })))
                .invoke(created -> created.ifPresent(checkpoint -> {
                    signedSize.set(checkpoint.treeSize());
                    signed.increment();
                    refusal.set(null);
                    LOG.debugf("signed checkpoint %d %s", checkpoint.treeSize(), checkpoint.rootHash());
                }));
    }

    private Uni<Checkpoint> signIfConsistent(SqlConnection connection, Optional<Checkpoint> latest, LogHead head) {
        long from = latest.map(Checkpoint::treeSize).orElse(0L);
        Set<Merkle.Subtree> needed = new LinkedHashSet<>();
        Merkle.subtreesOfRange(0, head.size(), needed);
        needed.addAll(Merkle.subtreesForConsistency(from, head.size()));
        return nodes.load(connection, needed).map(source -> {
            byte[] root = Merkle.rangeHash(0, head.size(), source);
            if (!MessageDigest.isEqual(root, head.rootHash())) {
                throw refuse("the stored tree of " + head.size() + " leaves does not hash to the head's root");
            }
            if (latest.isPresent()) {
                Checkpoint previous = latest.get();
                if (!signer.verify(previous)) {
                    throw refuse("the latest checkpoint (" + previous.treeSize() + ") does not carry a valid signature of this log");
                }
                List<byte[]> proof = Merkle.consistencyProof(from, head.size(), source);
                if (!Merkle.verifyConsistency(from, head.size(), previous.rootHashBytes(), root, proof)) {
                    throw refuse("the tree of " + head.size() + " leaves is not consistent with checkpoint " + from);
                }
            }
            return signer.sign(head.size(), root, Instant.now());
        });
    }

    private IllegalStateException refuse(String reason) {
        refused.increment();
        refusal.set(reason);
        LOG.errorf("REFUSED to sign a checkpoint: %s", reason);
        return new IllegalStateException("checkpoint refused: " + reason);
    }

    private static Uni<LogHead> head(SqlConnection connection) {
        return connection.query("select size, root_hash from audit_log_head where id = 1").execute().map(rows -> {
            Row row = rows.iterator().next();
            return new LogHead(row.getLong(0), row.getBuffer(1).getBytes());
        });
    }
}
