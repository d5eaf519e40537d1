package dev.polity.audit.log;

import dev.polity.audit.event.repository.ReceivedEvent;
import dev.polity.contracts.audit.MerkleFrontier;
import dev.polity.contracts.events.CloudEvent;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The append-only Merkle log in PostgreSQL. A batch is appended in one transaction that locks the single
 * {@code audit_log_head} row: sequence numbers are handed out one after the other from the head's size, so two
 * writers (two replicas, or two batches) never fork the log or leave a gap. Under that lock the batch is
 * deduplicated on source + id, the tree's frontier (kept in the head) grows by one leaf per new event, and the
 * events, their payloads and the newly completed stored subtrees are written with one binary {@code COPY} each,
 * then the new head.
 *
 * <p>Appends take turns on that lock, so what is done while holding it bounds the log's ingest rate
 * (bench/audit-ingest, session 9). Two things are therefore done before the lock is taken: the rows are encoded
 * with a placeholder sequence number, filled in under the lock; and the batch's events that the log already holds
 * are looked up together with the head's size, in one snapshot. Under the lock only the appends committed since
 * that snapshot are left to check: if this instance made them all (it remembers what its recent appends added, and
 * whether they committed), against what they added, without a query; if any other writer (another replica)
 * appended since, the lookup is repeated under the lock.
 *
 * <p>Appends go through JDBC (the Agroal datasource, on a worker thread): the reactive client has no {@code COPY},
 * and {@code COPY} spares the service the encoding of twenty arrays and PostgreSQL their decoding and
 * {@code unnest} (bench/audit-ingest, session 6). Reads stay on the reactive client.
 */
@ApplicationScoped
public class AuditLog {

    private static final String LOCK_HEAD = "select size, root_hash, frontier from audit_log_head where id = 1 for update";

    /**
     * The batch's events the log already holds, and the head's size, in one statement, hence one snapshot; one row
     * with nulls if none exist.
     */
    private static final String EXISTING_AND_SIZE = """
            select h.size, e.source, e.event_id from audit_log_head h
              left join (audit_event e join unnest(?::text[], ?::text[]) as k(source, event_id)
                           on e.source = k.source and e.event_id = k.event_id) on true
             where h.id = 1""";

    private static final String COPY_EVENTS = """
            copy audit_event (sequence, event_id, source, type, subject, event_time, organization, actor,
                data_content_type, data_sha256, data_size, attributes, leaf_hash, retention_class, payload_expires_at,
                received_at, kafka_topic, kafka_partition, kafka_offset, kafka_key) from stdin (format binary)""";

    private static final String COPY_PAYLOADS = "copy audit_payload (sequence, expires_at, data) from stdin (format binary)";

    private static final String COPY_NODES = "copy audit_merkle_node (level, idx, hash) from stdin (format binary)";

    private static final String UPDATE_HEAD = "update audit_log_head set size = ?, root_hash = ?, frontier = ? where id = 1";

    /** How many of its own latest appends an instance remembers (three consumers queue at most a few behind the lock). */
    private static final int RECENT_APPENDS_KEPT = 64;

    private final Pool pool;
    private final AgroalDataSource dataSource;
    private final Vertx vertx;
    /** This instance's latest committed appends, by the log size each started from. */
    private final ConcurrentSkipListMap<Long, RecentAppend> recentAppends = new ConcurrentSkipListMap<>();
    private final Timer lockHeld;
    private final Counter lookupsRepeated;

    /**
     * An append this instance made: the log's size after it, the dedup keys of the events it added, and whether its
     * transaction committed. It is remembered before its commit, while it still holds the lock: the next append gets
     * the lock the moment PostgreSQL commits, often before this instance has heard back, and then waits for the outcome.
     */
    private record RecentAppend(long endSize, Set<String> keys, CompletableFuture<Boolean> committed) {

        /** True once the commit is known to have succeeded; false if it failed, is in doubt or takes too long. */
        boolean awaitCommitted() {
            try {
                return committed.get(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            } catch (ExecutionException | TimeoutException e) {
                return false;
            }
        }
    }

    AuditLog(Pool pool, AgroalDataSource dataSource, Vertx vertx, MeterRegistry meters) {
        this.pool = pool;
        this.dataSource = dataSource;
        this.vertx = vertx;
        this.lockHeld = Timer.builder("polity.audit.append.lock.held")
                .description("How long each append held the log's head lock, from getting it to its commit: appends take "
                        + "turns on it, so this bounds the ingest rate")
                .register(meters);
        this.lookupsRepeated = Counter.builder("polity.audit.append.lookups.repeated")
                .description("Appends that repeated their lookup of already-stored events under the head lock, because "
                        + "another writer (replica) appended after their first lookup")
                .register(meters);
    }

    /** An append's result and when it got the head lock ({@link System#nanoTime}). */
    private record LockedAppend(AppendResult result, long lockedAt) {
    }

    public Uni<LogHead> head() {
        return pool.query("select size, root_hash from audit_log_head where id = 1").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new LogHead(row.getLong(0), row.getBuffer(1).getBytes());
                });
    }

    /**
     * Appends the events that the log does not hold yet, in the given order, in one transaction, on a worker
     * thread; the result is delivered on the caller's context.
     */
    public Uni<AppendResult> append(List<PreparedEvent> events) {
        return vertx.executeBlocking(() -> appendBlocking(events), false);
    }

    /** {@link #append} on the calling thread, which may block. */
    public AppendResult appendBlocking(List<PreparedEvent> events) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                LockedAppend locked = append(connection, events);
                AppendResult result = locked.result();
                CompletableFuture<Boolean> committed = remember(events, result);
                try {
                    connection.commit();
                } catch (SQLException | RuntimeException e) {
                    committed.complete(false); // failed or in doubt: whoever waits for it queries instead
                    throw e;
                } finally {
                    lockHeld.record(System.nanoTime() - locked.lockedAt(), TimeUnit.NANOSECONDS);
                }
                committed.complete(true);
                return result;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException rollback) {
                    e.addSuppressed(rollback);
                }
                throw e;
            }
        }
    }

    private LockedAppend append(Connection connection, List<PreparedEvent> events) throws SQLException {
        // Before the lock: the rows (sequence numbers to come) and the events the log already holds.
        EncodedRows encoded = EncodedRows.of(events);
        Existing before = existingAndSize(connection, events);
        MerkleFrontier frontier;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet head = lock.executeQuery()) {
            head.next();
            frontier = MerkleFrontier.fromBytes(head.getLong(1), head.getBytes(3));
        }
        long lockedAt = System.nanoTime();
        Set<String> seen = knownSince(before, frontier.size(), events);
        if (seen == null) {
            lookupsRepeated.increment();
            seen = existingAndSize(connection, events).keys(); // another writer appended since the lookup
        }
        List<Long> sequences = new ArrayList<>(events.size());
        List<PreparedEvent> fresh = new ArrayList<>(events.size());
        List<MerkleFrontier.Node> nodes = new ArrayList<>();
        long firstSequence = frontier.size() + 1;
        for (PreparedEvent event : events) {
            if (!seen.add(event.key())) {
                sequences.add(null);
                continue;
            }
            sequences.add(frontier.size() + 1);
            fresh.add(event);
            for (MerkleFrontier.Node node : frontier.append(event.leafHash())) {
                if (MerkleNodes.isStored(node.level())) {
                    nodes.add(node);
                }
            }
        }
        LogHead head = new LogHead(frontier.size(), frontier.root());
        if (fresh.isEmpty()) {
            return new LockedAppend(new AppendResult(sequences, head), lockedAt);
        }
        // Duplicates' rows must not be written: then the fresh events are encoded again.
        EncodedRows rows = fresh.size() == events.size() ? encoded : EncodedRows.of(fresh);
        rows.number(firstSequence);
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        copyIn(copy, COPY_EVENTS, rows.events());
        copyIn(copy, COPY_PAYLOADS, rows.payloads());
        if (!nodes.isEmpty()) {
            copyIn(copy, COPY_NODES, nodeRows(nodes));
        }
        try (PreparedStatement update = connection.prepareStatement(UPDATE_HEAD)) {
            update.setLong(1, frontier.size());
            update.setBytes(2, head.rootHash());
            update.setBytes(3, frontier.toBytes());
            update.executeUpdate();
        }
        return new LockedAppend(new AppendResult(sequences, head), lockedAt);
    }

    private static void copyIn(CopyManager copy, String sql, BinaryCopy rows) throws SQLException {
        byte[] data = rows.finish();
        CopyIn in = copy.copyIn(sql);
        try {
            in.writeToCopy(data, 0, rows.length());
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /**
     * The batch's events the log holds at {@code size}: those of the snapshot, plus those that this instance's own
     * appends added since; {@code null} if an append since the snapshot was not this instance's (not remembered) or
     * its commit is not known to have succeeded.
     * Every append that adds events moves the head, so the appends since the snapshot cover exactly the log from the
     * snapshot's size to {@code size}.
     */
    private Set<String> knownSince(Existing before, long size, List<PreparedEvent> events) {
        Set<String> known = before.keys();
        long position = before.headSize();
        while (position < size) {
            RecentAppend append = recentAppends.get(position);
            if (append == null || !append.awaitCommitted()) {
                return null;
            }
            for (PreparedEvent event : events) {
                String key = event.key();
                if (append.keys().contains(key)) {
                    known.add(key);
                }
            }
            position = append.endSize();
        }
        return position == size ? known : null;
    }

    /** Remembers an append about to commit; the returned future is to be completed with whether it did. */
    private CompletableFuture<Boolean> remember(List<PreparedEvent> events, AppendResult result) {
        CompletableFuture<Boolean> committed = new CompletableFuture<>();
        long added = result.appended();
        if (added == 0) {
            return committed; // the head did not move: nothing to remember
        }
        Set<String> keys = new HashSet<>((int) (added * 4 / 3) + 1);
        for (int i = 0; i < events.size(); i++) {
            if (result.sequences().get(i) != null) {
                keys.add(events.get(i).key());
            }
        }
        recentAppends.put(result.head().size() - added, new RecentAppend(result.head().size(), keys, committed));
        while (recentAppends.size() > RECENT_APPENDS_KEPT) {
            recentAppends.pollFirstEntry();
        }
        return committed;
    }

    /** What the log held of the batch, and its size, as of one snapshot. */
    private record Existing(long headSize, Set<String> keys) {
    }

    /** The dedup keys ({@link PreparedEvent#key()}) of the batch's events that the log holds, and the log's size. */
    private static Existing existingAndSize(Connection connection, List<PreparedEvent> events) throws SQLException {
        String[] sources = new String[events.size()];
        String[] ids = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            sources[i] = events.get(i).received().event().source();
            ids[i] = events.get(i).received().event().id();
        }
        Set<String> known = new HashSet<>();
        long size = -1;
        try (PreparedStatement query = connection.prepareStatement(EXISTING_AND_SIZE)) {
            query.setArray(1, connection.createArrayOf("text", sources));
            query.setArray(2, connection.createArrayOf("text", ids));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    size = rows.getLong(1);
                    if (rows.getString(2) != null) {
                        known.add(rows.getString(2) + '\u0000' + rows.getString(3));
                    }
                }
            }
        }
        return new Existing(size, known);
    }

    /**
     * The {@code COPY} data of a batch's events and payloads, encoded before their sequence numbers are known:
     * each row's sequence field is written as 0 and its position kept, and {@link #number} fills them in.
     */
    private record EncodedRows(BinaryCopy events, int[] eventSequenceFields, BinaryCopy payloads, int[] payloadSequenceFields) {

        static EncodedRows of(List<PreparedEvent> batch) {
            int[] eventFields = new int[batch.size()];
            int[] payloadFields = new int[batch.size()];
            return new EncodedRows(eventRows(batch, eventFields), eventFields, payloadRows(batch, payloadFields), payloadFields);
        }

        /** Numbers the rows {@code first}, {@code first + 1}, ... in batch order. */
        void number(long first) {
            for (int i = 0; i < eventSequenceFields.length; i++) {
                events.setInt8(eventSequenceFields[i], first + i);
                payloads.setInt8(payloadSequenceFields[i], first + i);
            }
        }
    }

    private static BinaryCopy eventRows(List<PreparedEvent> events, int[] sequenceFields) {
        BinaryCopy rows = new BinaryCopy(events.size() * 1024);
        for (int i = 0; i < events.size(); i++) {
            PreparedEvent prepared = events.get(i);
            ReceivedEvent received = prepared.received();
            CloudEvent event = received.event();
            rows.row(20);
            sequenceFields[i] = rows.length();
            rows.int8(0)
                    .text(event.id())
                    .text(event.source())
                    .text(event.type())
                    .text(event.subject())
                    .timestamptz(event.time())
                    .text(event.organization())
                    .text(event.actor())
                    .text(event.dataContentType())
                    .text(received.dataSha256())
                    .int4(received.dataSize())
                    .text(received.attributes())
                    .bytes(prepared.leafHash())
                    .text(prepared.retentionClass())
                    .timestamptz(prepared.payloadExpiresAt())
                    .timestamptz(received.receivedAt())
                    .text(received.kafkaTopic())
                    .int4(received.kafkaPartition())
                    .int8(received.kafkaOffset())
                    .text(received.kafkaKey());
        }
        return rows;
    }

    private static BinaryCopy payloadRows(List<PreparedEvent> events, int[] sequenceFields) {
        int bytes = 0;
        for (PreparedEvent event : events) {
            bytes += event.received().dataSize() + 32;
        }
        BinaryCopy rows = new BinaryCopy(bytes + 64);
        for (int i = 0; i < events.size(); i++) {
            PreparedEvent event = events.get(i);
            rows.row(3);
            sequenceFields[i] = rows.length();
            rows.int8(0).timestamptz(event.payloadExpiresAt()).bytes(event.received().data());
        }
        return rows;
    }

    private static BinaryCopy nodeRows(List<MerkleFrontier.Node> nodes) {
        BinaryCopy rows = new BinaryCopy(nodes.size() * 64 + 64);
        for (MerkleFrontier.Node node : nodes) {
            rows.row(3).int2(node.level()).int8(node.index()).bytes(node.hash());
        }
        return rows;
    }
}
