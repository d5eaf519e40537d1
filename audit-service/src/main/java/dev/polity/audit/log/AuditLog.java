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
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The append-only Merkle log in PostgreSQL. A batch is appended in one transaction that locks the single
 * {@code audit_log_head} row: sequence numbers are handed out one after the other from the head's size, so two
 * writers (two replicas, or two batches) never fork the log or leave a gap. Under that lock the tree's frontier
 * (kept in the head) grows by one leaf per new event, and the events' {@code audit_event} rows and the newly
 * completed stored subtrees are written with one binary {@code COPY} each, then the new head.
 *
 * <p>Appends take turns on that lock, so what is done while holding it bounds the log's ingest rate
 * (bench/audit-ingest). Everything that does not need the sequence numbers is therefore done before it, in the
 * same transaction. Each event gets a {@code payload_id} from a PostgreSQL sequence (gaps allowed). Its payload
 * goes to {@code audit_payload} (session 10), and the columns no index under the lock needs (source, id,
 * attributes, the data's digest, the Kafka coordinates) go to {@code audit_event_detail} (session 11), both keyed by
 * that id; {@code audit_event} keeps the indexed columns, the leaf hash and the payload id. The detail's unique
 * constraint on source + id is the deduplication: a detail row stands exactly when its event stands in the log,
 * since one transaction writes both, and a second append writing the same source + id waits for the first to end.
 *
 * <p>The first try writes every detail row of the batch with one {@code COPY}: it assumes that the log holds none
 * of its events, which is the case for every batch but those redelivered after a crash or a consumer rebalance. If
 * the constraint reports a stored event, the transaction is rolled back and the append is done again writing the
 * detail rows with {@code ON CONFLICT DO NOTHING}, whose returned rows are the events to log. Both tries write the
 * details before they wait for the head lock and wait for no other append while holding it, so the only deadlock
 * possible is between two appends writing overlapping events in different orders; the one PostgreSQL picks is
 * done again the same way.
 *
 * <p>Appends go through JDBC (the Agroal datasource, on a worker thread): the reactive client has no {@code COPY},
 * and {@code COPY} spares the service the encoding of arrays and PostgreSQL their decoding and {@code unnest}
 * (bench/audit-ingest, session 6). Reads stay on the reactive client.
 */
@ApplicationScoped
public class AuditLog {

    private static final String LOCK_HEAD = "select size, root_hash, frontier from audit_log_head where id = 1 for update";

    /** The unique constraint on source + id: what the first try of an append meets when it holds stored events. */
    private static final String DEDUP_CONSTRAINT = "audit_event_detail_source_event_id_key";

    /** PostgreSQL's SQLSTATE for a unique violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** PostgreSQL's SQLSTATE for a transaction aborted to break a deadlock. */
    private static final String DEADLOCK_DETECTED = "40P01";

    /** How often an append is done again after a deadlock before its failure is reported. */
    private static final int DEADLOCK_RETRIES = 3;

    private static final String DETAIL_COLUMNS = "payload_id, source, event_id, data_content_type, data_sha256, data_size, "
            + "attributes, retention_class, kafka_topic, kafka_partition, kafka_offset, kafka_key";

    /** The first try: every event's detail row; fails on {@value #DEDUP_CONSTRAINT} if the log holds one of them. */
    private static final String COPY_DETAILS = "copy audit_event_detail (" + DETAIL_COLUMNS + ") from stdin (format binary)";

    /** The second try: the detail rows of the events the log does not hold; returns their payload ids. */
    private static final String INSERT_NEW_DETAILS = "insert into audit_event_detail (" + DETAIL_COLUMNS + ")"
            + " select * from unnest(?::bigint[], ?::text[], ?::text[], ?::text[], ?::text[], ?::integer[], ?::text[],"
            + " ?::text[], ?::text[], ?::integer[], ?::bigint[], ?::text[])"
            + " on conflict do nothing returning payload_id";

    private static final String COPY_EVENTS = """
            copy audit_event (sequence, type, subject, event_time, organization, actor, leaf_hash, payload_expires_at,
                payload_id, received_at) from stdin (format binary)""";

    private static final String COPY_PAYLOADS = "copy audit_payload (payload_id, expires_at, data) from stdin (format binary)";

    /** As many new payload ids as the parameter says, in one round trip. */
    private static final String NEXT_PAYLOAD_IDS = "select nextval('audit_payload_id_seq') from generate_series(1, ?)";

    private static final String COPY_NODES = "copy audit_merkle_node (level, idx, hash) from stdin (format binary)";

    private static final String UPDATE_HEAD = "update audit_log_head set size = ?, root_hash = ?, frontier = ? where id = 1";

    private final Pool pool;
    private final AgroalDataSource dataSource;
    private final Vertx vertx;
    private final Timer lockHeld;
    private final Counter redoneForStoredEvents;
    private final Counter redoneAfterDeadlock;

    AuditLog(Pool pool, AgroalDataSource dataSource, Vertx vertx, MeterRegistry meters) {
        this.pool = pool;
        this.dataSource = dataSource;
        this.vertx = vertx;
        this.lockHeld = Timer.builder("polity.audit.append.lock.held")
                .description("How long each append held the log's head lock, from getting it to its commit: appends take "
                        + "turns on it, so this bounds the ingest rate")
                .register(meters);
        this.redoneForStoredEvents = redoneCounter(meters, "stored_event",
                "Appends whose batch held events the log already stored (redelivered after a crash or a rebalance): rolled "
                        + "back and done again writing only the events not stored");
        this.redoneAfterDeadlock = redoneCounter(meters, "deadlock",
                "Appends that PostgreSQL aborted to break a deadlock with another append writing the same events in "
                        + "another order: done again");
    }

    private static Counter redoneCounter(MeterRegistry meters, String reason, String description) {
        return Counter.builder("polity.audit.append.redone").tag("reason", reason).description(description).register(meters);
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
     * {@link #append} on the calling thread, which may block: first writing every event's detail row at once, then, if
     * the log holds some of the events or PostgreSQL broke a deadlock, writing only those of the events not stored.
     */
    public AppendResult appendBlocking(List<PreparedEvent> events) throws SQLException {
        try {
            return appendInTransaction(events, false);
        } catch (SQLException e) {
            if (hasState(e, UNIQUE_VIOLATION, DEDUP_CONSTRAINT)) {
                redoneForStoredEvents.increment();
            } else if (hasState(e, DEADLOCK_DETECTED, null)) {
                redoneAfterDeadlock.increment();
            } else {
                throw e;
            }
        }
        for (int retry = 1; ; retry++) {
            try {
                return appendInTransaction(events, true);
            } catch (SQLException e) {
                if (retry > DEADLOCK_RETRIES || !hasState(e, DEADLOCK_DETECTED, null)) {
                    throw e;
                }
                redoneAfterDeadlock.increment();
            }
        }
    }

    private AppendResult appendInTransaction(List<PreparedEvent> events, boolean someMayBeStored) throws SQLException {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                LockedAppend locked = append(connection, events, someMayBeStored);
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

    /** Whether PostgreSQL failed the append with this SQLSTATE (and, if given, on this constraint). */
    private static boolean hasState(SQLException failure, String sqlState, String constraint) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof PSQLException psql && sqlState.equals(psql.getSQLState())
                    && (constraint == null || (psql.getServerErrorMessage() != null
                    && constraint.equals(psql.getServerErrorMessage().getConstraint())))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Appends the batch's new events in the connection's transaction. Before the head lock it writes their detail
     * rows and payloads: without {@code someMayBeStored} those of every event (a stored one fails the {@code COPY} on
     * {@value #DEDUP_CONSTRAINT}); with it, only those of the events not stored, and skips the others. An event
     * repeated within the batch is skipped either way.
     */
    private LockedAppend append(Connection connection, List<PreparedEvent> events, boolean someMayBeStored) throws SQLException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        List<PreparedEvent> distinct = distinct(events);
        long[] payloadIds = nextPayloadIds(connection, distinct.size());
        EncodedRows rows;
        if (someMayBeStored) {
            rows = EncodedRows.of(distinct, payloadIds, insertNewDetails(connection, distinct, payloadIds));
        } else {
            rows = EncodedRows.of(distinct, payloadIds, null);
            copyIn(copy, COPY_DETAILS, rows.details());
        }
        List<PreparedEvent> fresh = rows.events();
        if (!fresh.isEmpty()) {
            copyIn(copy, COPY_PAYLOADS, rows.payloads());
        }
        MerkleFrontier frontier;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet head = lock.executeQuery()) {
            head.next();
            frontier = MerkleFrontier.fromBytes(head.getLong(1), head.getBytes(3));
        }
        long lockedAt = System.nanoTime();
        Set<PreparedEvent> toLog = Collections.newSetFromMap(new IdentityHashMap<>(fresh.size() * 2));
        toLog.addAll(fresh);
        List<Long> sequences = new ArrayList<>(events.size());
        List<MerkleFrontier.Node> nodes = new ArrayList<>();
        long firstSequence = frontier.size() + 1;
        for (PreparedEvent event : events) {
            // Only the first occurrence of an event to log is numbered: a repeat within the batch finds it removed.
            if (!toLog.remove(event)) {
                sequences.add(null);
                continue;
            }
            sequences.add(frontier.size() + 1);
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
        rows.number(firstSequence);
        copyIn(copy, COPY_EVENTS, rows.eventRows());
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

    /**
     * Writes the detail rows of those of the (distinct) events that the log does not hold, and returns their payload
     * ids. An event that another append has written but not committed makes this wait for that append's end.
     */
    private static Set<Long> insertNewDetails(Connection connection, List<PreparedEvent> distinct, long[] payloadIds)
            throws SQLException {
        int count = distinct.size();
        Long[] ids = new Long[count];
        String[] sources = new String[count];
        String[] eventIds = new String[count];
        String[] contentTypes = new String[count];
        String[] digests = new String[count];
        Integer[] sizes = new Integer[count];
        String[] attributes = new String[count];
        String[] retentionClasses = new String[count];
        String[] topics = new String[count];
        Integer[] partitions = new Integer[count];
        Long[] offsets = new Long[count];
        String[] kafkaKeys = new String[count];
        for (int i = 0; i < count; i++) {
            PreparedEvent prepared = distinct.get(i);
            ReceivedEvent received = prepared.received();
            ids[i] = payloadIds[i];
            sources[i] = received.event().source();
            eventIds[i] = received.event().id();
            contentTypes[i] = received.event().dataContentType();
            digests[i] = received.dataSha256();
            sizes[i] = received.dataSize();
            attributes[i] = received.attributes();
            retentionClasses[i] = prepared.retentionClass();
            topics[i] = received.kafkaTopic();
            partitions[i] = received.kafkaPartition();
            offsets[i] = received.kafkaOffset();
            kafkaKeys[i] = received.kafkaKey();
        }
        Set<Long> inserted = new HashSet<>();
        try (PreparedStatement insert = connection.prepareStatement(INSERT_NEW_DETAILS)) {
            insert.setArray(1, connection.createArrayOf("bigint", ids));
            insert.setArray(2, connection.createArrayOf("text", sources));
            insert.setArray(3, connection.createArrayOf("text", eventIds));
            insert.setArray(4, connection.createArrayOf("text", contentTypes));
            insert.setArray(5, connection.createArrayOf("text", digests));
            insert.setArray(6, connection.createArrayOf("integer", sizes));
            insert.setArray(7, connection.createArrayOf("text", attributes));
            insert.setArray(8, connection.createArrayOf("text", retentionClasses));
            insert.setArray(9, connection.createArrayOf("text", topics));
            insert.setArray(10, connection.createArrayOf("integer", partitions));
            insert.setArray(11, connection.createArrayOf("bigint", offsets));
            insert.setArray(12, connection.createArrayOf("text", kafkaKeys));
            try (ResultSet rows = insert.executeQuery()) {
                while (rows.next()) {
                    inserted.add(rows.getLong(1));
                }
            }
        }
        return inserted;
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
     * The {@code COPY} data of the events of a batch that are to be logged, encoded before their sequence numbers are
     * known: their {@code audit_event} rows (each one's sequence field written as 0 and its position kept, for
     * {@link #number} to fill in), their detail rows (first try only) and their payloads.
     *
     * @param events  the events to log, in batch order
     * @param details the detail rows for the first try's {@code COPY}; null on the second try, whose detail rows
     *                {@link #insertNewDetails} has written already
     */
    private record EncodedRows(List<PreparedEvent> events, BinaryCopy eventRows, int[] eventSequenceFields,
                               BinaryCopy details, BinaryCopy payloads) {

        /**
         * @param payloadIds the payload id of each of the distinct events, in batch order
         * @param toLog      the payload ids of the events to log, or null for all of them
         */
        static EncodedRows of(List<PreparedEvent> distinct, long[] payloadIds, Set<Long> toLog) {
            List<PreparedEvent> events = new ArrayList<>(distinct.size());
            BinaryCopy eventRows = new BinaryCopy(distinct.size() * 256 + 64);
            int[] sequenceFields = new int[distinct.size()];
            BinaryCopy details = toLog == null ? new BinaryCopy(distinct.size() * 1024 + 64) : null;
            int payloadBytes = 0;
            for (PreparedEvent event : distinct) {
                payloadBytes += event.received().dataSize() + 32;
            }
            BinaryCopy payloads = new BinaryCopy(payloadBytes + 64);
            for (int i = 0; i < distinct.size(); i++) {
                if (toLog != null && !toLog.contains(payloadIds[i])) {
                    continue;
                }
                PreparedEvent prepared = distinct.get(i);
                ReceivedEvent received = prepared.received();
                CloudEvent event = received.event();
                eventRows.row(10);
                sequenceFields[events.size()] = eventRows.length();
                eventRows.int8(0)
                        .text(event.type())
                        .text(event.subject())
                        .timestamptz(event.time())
                        .text(event.organization())
                        .text(event.actor())
                        .bytes(prepared.leafHash())
                        .timestamptz(prepared.payloadExpiresAt())
                        .int8(payloadIds[i])
                        .timestamptz(received.receivedAt());
                if (details != null) {
                    details.row(12)
                            .int8(payloadIds[i])
                            .text(event.source())
                            .text(event.id())
                            .text(event.dataContentType())
                            .text(received.dataSha256())
                            .int4(received.dataSize())
                            .text(received.attributes())
                            .text(prepared.retentionClass())
                            .text(received.kafkaTopic())
                            .int4(received.kafkaPartition())
                            .int8(received.kafkaOffset())
                            .text(received.kafkaKey());
                }
                payloads.row(3).int8(payloadIds[i]).timestamptz(prepared.payloadExpiresAt()).bytes(received.data());
                events.add(prepared);
            }
            return new EncodedRows(events, eventRows, Arrays.copyOf(sequenceFields, events.size()), details, payloads);
        }

        /** Numbers the event rows {@code first}, {@code first + 1}, ... in batch order. */
        void number(long first) {
            for (int i = 0; i < eventSequenceFields.length; i++) {
                eventRows.setInt8(eventSequenceFields[i], first + i);
            }
        }
    }

    private static BinaryCopy nodeRows(List<MerkleFrontier.Node> nodes) {
        BinaryCopy rows = new BinaryCopy(nodes.size() * 64 + 64);
        for (MerkleFrontier.Node node : nodes) {
            rows.row(3).int2(node.level()).int8(node.index()).bytes(node.hash());
        }
        return rows;
    }
}
