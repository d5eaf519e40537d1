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
import org.postgresql.util.PSQLException;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The append-only Merkle log in PostgreSQL. A batch is appended in one transaction that locks the single
 * {@code audit_log_head} row: sequence numbers are handed out one after the other from the head's size, so two
 * writers (two replicas, or two batches) never fork the log or leave a gap. Under that lock the batch is
 * deduplicated on source + id, the tree's frontier (kept in the head) grows by one leaf per new event, and the
 * events, their payloads and the newly completed stored subtrees are written with one binary {@code COPY} each,
 * then the new head.
 *
 * <p>Appends take turns on that lock, so what is done while holding it bounds the log's ingest rate
 * (bench/audit-ingest). The rows are therefore encoded before the lock, with a placeholder sequence number filled
 * in under it. And an append first assumes that the log holds none of its events, which is the case for every
 * batch but those redelivered after a crash or a consumer rebalance: it writes them without looking them up, and
 * the unique constraint on source + id is the check. Every insert into {@code audit_event} happens under the
 * lock, so at that moment no other append's rows are uncommitted and the constraint sees exactly what the log
 * holds. If it reports a stored event, the transaction is rolled back and the append is done again with a lookup
 * under the lock, which then skips what is stored (session 10: the lookup of every batch, made before the lock
 * since session 9, was PostgreSQL work that every event paid for). The payloads of a batch assumed new are
 * written before the lock too, in the same transaction: they are keyed by a {@code payload_id} drawn from a
 * PostgreSQL sequence (gaps allowed), not by the log's sequence number, which only the lock hands out.
 *
 * <p>Appends go through JDBC (the Agroal datasource, on a worker thread): the reactive client has no {@code COPY},
 * and {@code COPY} spares the service the encoding of twenty arrays and PostgreSQL their decoding and
 * {@code unnest} (bench/audit-ingest, session 6). Reads stay on the reactive client.
 */
@ApplicationScoped
public class AuditLog {

    private static final String LOCK_HEAD = "select size, root_hash, frontier from audit_log_head where id = 1 for update";

    /** The batch's events that the log holds (by source and id). */
    private static final String EXISTING = """
            select e.source, e.event_id from audit_event e
              join unnest(?::text[], ?::text[]) as k(source, event_id) on e.source = k.source and e.event_id = k.event_id""";

    /** The unique constraint on source + id: what the first, optimistic try of an append meets when it holds stored events. */
    private static final String DEDUP_CONSTRAINT = "audit_event_source_event_id_key";

    private static final String COPY_EVENTS = """
            copy audit_event (sequence, event_id, source, type, subject, event_time, organization, actor,
                data_content_type, data_sha256, data_size, attributes, leaf_hash, retention_class, payload_expires_at,
                payload_id, received_at, kafka_topic, kafka_partition, kafka_offset, kafka_key) from stdin (format binary)""";

    private static final String COPY_PAYLOADS = "copy audit_payload (payload_id, expires_at, data) from stdin (format binary)";

    /** As many new payload ids as the parameter says, in one round trip. */
    private static final String NEXT_PAYLOAD_IDS = "select nextval('audit_payload_id_seq') from generate_series(1, ?)";

    private static final String COPY_NODES = "copy audit_merkle_node (level, idx, hash) from stdin (format binary)";

    private static final String UPDATE_HEAD = "update audit_log_head set size = ?, root_hash = ?, frontier = ? where id = 1";

    private final Pool pool;
    private final AgroalDataSource dataSource;
    private final Vertx vertx;
    private final Timer lockHeld;
    private final Counter redoneWithLookup;

    AuditLog(Pool pool, AgroalDataSource dataSource, Vertx vertx, MeterRegistry meters) {
        this.pool = pool;
        this.dataSource = dataSource;
        this.vertx = vertx;
        this.lockHeld = Timer.builder("polity.audit.append.lock.held")
                .description("How long each append held the log's head lock, from getting it to its commit: appends take "
                        + "turns on it, so this bounds the ingest rate")
                .register(meters);
        this.redoneWithLookup = Counter.builder("polity.audit.append.redone.with.lookup")
                .description("Appends whose batch held events the log already stored (redelivered after a crash or a "
                        + "rebalance): rolled back and done again with a lookup under the head lock")
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

    /**
     * {@link #append} on the calling thread, which may block: first without looking the events up (the unique
     * constraint checks), then, if the log holds some of them, again with a lookup under the lock.
     */
    public AppendResult appendBlocking(List<PreparedEvent> events) throws SQLException {
        try {
            return appendInTransaction(events, false);
        } catch (SQLException e) {
            if (!isStoredEvent(e)) {
                throw e;
            }
            redoneWithLookup.increment();
            return appendInTransaction(events, true);
        }
    }

    private AppendResult appendInTransaction(List<PreparedEvent> events, boolean lookUpStored) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                LockedAppend locked = append(connection, events, lookUpStored);
                try {
                    connection.commit();
                } finally {
                    lockHeld.record(System.nanoTime() - locked.lockedAt(), TimeUnit.NANOSECONDS);
                }
                return locked.result();
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

    /** Whether an append failed because its batch held an event the log already stores. */
    private static boolean isStoredEvent(SQLException failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && "23505".equals(psql.getSQLState())
                    && psql.getServerErrorMessage() != null
                    && DEDUP_CONSTRAINT.equals(psql.getServerErrorMessage().getConstraint())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends the batch's new events in the connection's transaction. Without {@code lookUpStored} it assumes the log
     * holds none of them (a stored one fails the {@code COPY} on {@value #DEDUP_CONSTRAINT}); with it, it looks them up
     * under the lock and skips them. An event repeated within the batch is skipped either way.
     */
    private LockedAppend append(Connection connection, List<PreparedEvent> events, boolean lookUpStored) throws SQLException {
        List<PreparedEvent> distinct = distinct(events);
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        EncodedRows assumedNew = null;
        if (!lookUpStored) {
            // Before the lock: the rows of the batch's distinct events (their sequence numbers to come) and their payloads.
            assumedNew = EncodedRows.of(distinct, nextPayloadIds(connection, distinct.size()));
            copyIn(copy, COPY_PAYLOADS, assumedNew.payloads());
        }
        MerkleFrontier frontier;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet head = lock.executeQuery()) {
            head.next();
            frontier = MerkleFrontier.fromBytes(head.getLong(1), head.getBytes(3));
        }
        long lockedAt = System.nanoTime();
        Set<String> seen = lookUpStored ? stored(connection, distinct) : new HashSet<>();
        List<Long> sequences = new ArrayList<>(events.size());
        List<PreparedEvent> fresh = new ArrayList<>(distinct.size());
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
        // Assumed new, every distinct event is fresh (nothing was looked up); after a lookup, only the fresh are written.
        EncodedRows rows = assumedNew != null ? assumedNew : EncodedRows.of(fresh, nextPayloadIds(connection, fresh.size()));
        rows.number(firstSequence);
        copyIn(copy, COPY_EVENTS, rows.events());
        if (assumedNew == null) {
            copyIn(copy, COPY_PAYLOADS, rows.payloads());
        }
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

    /** The batch without repeats of an event (same source and id), first occurrences in order. */
    private static List<PreparedEvent> distinct(List<PreparedEvent> events) {
        Set<String> keys = new HashSet<>((int) (events.size() * 4L / 3) + 1);
        List<PreparedEvent> distinct = new ArrayList<>(events.size());
        for (PreparedEvent event : events) {
            if (keys.add(event.key())) {
                distinct.add(event);
            }
        }
        return distinct;
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

    /** The dedup keys ({@link PreparedEvent#key()}) of the batch's events that the log holds. */
    private static Set<String> stored(Connection connection, List<PreparedEvent> events) throws SQLException {
        String[] sources = new String[events.size()];
        String[] ids = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            sources[i] = events.get(i).received().event().source();
            ids[i] = events.get(i).received().event().id();
        }
        Set<String> known = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(EXISTING)) {
            query.setArray(1, connection.createArrayOf("text", sources));
            query.setArray(2, connection.createArrayOf("text", ids));
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    known.add(rows.getString(1) + '\u0000' + rows.getString(2));
                }
            }
        }
        return known;
    }

    private static long[] nextPayloadIds(Connection connection, int count) throws SQLException {
        long[] ids = new long[count];
        try (PreparedStatement query = connection.prepareStatement(NEXT_PAYLOAD_IDS)) {
            query.setInt(1, count);
            try (ResultSet rows = query.executeQuery()) {
                for (int i = 0; i < count; i++) {
                    rows.next();
                    ids[i] = rows.getLong(1);
                }
            }
        }
        return ids;
    }

    /**
     * The {@code COPY} data of a batch's events and payloads, encoded before the events' sequence numbers are known:
     * each event row's sequence field is written as 0 and its position kept, and {@link #number} fills them in.
     */
    private record EncodedRows(BinaryCopy events, int[] eventSequenceFields, BinaryCopy payloads) {

        /** @param payloadIds the payload id of each event, in batch order */
        static EncodedRows of(List<PreparedEvent> batch, long[] payloadIds) {
            int[] eventFields = new int[batch.size()];
            return new EncodedRows(eventRows(batch, payloadIds, eventFields), eventFields, payloadRows(batch, payloadIds));
        }

        /** Numbers the event rows {@code first}, {@code first + 1}, ... in batch order. */
        void number(long first) {
            for (int i = 0; i < eventSequenceFields.length; i++) {
                events.setInt8(eventSequenceFields[i], first + i);
            }
        }
    }

    private static BinaryCopy eventRows(List<PreparedEvent> events, long[] payloadIds, int[] sequenceFields) {
        BinaryCopy rows = new BinaryCopy(events.size() * 1024);
        for (int i = 0; i < events.size(); i++) {
            PreparedEvent prepared = events.get(i);
            ReceivedEvent received = prepared.received();
            CloudEvent event = received.event();
            rows.row(21);
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
                    .int8(payloadIds[i])
                    .timestamptz(received.receivedAt())
                    .text(received.kafkaTopic())
                    .int4(received.kafkaPartition())
                    .int8(received.kafkaOffset())
                    .text(received.kafkaKey());
        }
        return rows;
    }

    private static BinaryCopy payloadRows(List<PreparedEvent> events, long[] payloadIds) {
        int bytes = 0;
        for (PreparedEvent event : events) {
            bytes += event.received().dataSize() + 32;
        }
        BinaryCopy rows = new BinaryCopy(bytes + 64);
        for (int i = 0; i < events.size(); i++) {
            PreparedEvent event = events.get(i);
            rows.row(3).int8(payloadIds[i]).timestamptz(event.payloadExpiresAt()).bytes(event.received().data());
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
