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
 * (kept in the head) grows by one leaf per new event, and the events and the newly completed stored subtrees are
 * written with one binary {@code COPY} each, then the new head.
 *
 * <p>Appends take turns on that lock, so what is done while holding it bounds the log's ingest rate
 * (bench/audit-ingest). Everything that does not need the sequence numbers is therefore done before it, in the
 * same transaction: the rows are encoded (with a placeholder sequence number filled in under the lock), the
 * payloads are written (keyed by a {@code payload_id} drawn from a PostgreSQL sequence, gaps allowed; session 10),
 * and the batch's events are deduplicated by claiming their keys (source + id) in {@code audit_event_key}
 * (session 11). A key stands there exactly when its event stands in the log, since both are written by the same
 * transaction; a second append claiming the same key waits for the first to end, then meets the stored key.
 *
 * <p>The first try claims all the batch's keys with one {@code COPY}: it assumes that the log holds none of its
 * events, which is the case for every batch but those redelivered after a crash or a consumer rebalance, and the
 * primary key of {@code audit_event_key} is the check. If it reports a stored event, the transaction is rolled
 * back and the append is done again claiming the keys with {@code ON CONFLICT DO NOTHING}, whose returned rows are
 * the events to log. Both tries claim keys before they wait for the head lock and hold no key wait while holding
 * it, so the only deadlock possible is between two appends claiming overlapping keys in different orders; the one
 * PostgreSQL picks is done again the same way.
 *
 * <p>Appends go through JDBC (the Agroal datasource, on a worker thread): the reactive client has no {@code COPY},
 * and {@code COPY} spares the service the encoding of twenty arrays and PostgreSQL their decoding and
 * {@code unnest} (bench/audit-ingest, session 6). Reads stay on the reactive client.
 */
@ApplicationScoped
public class AuditLog {

    private static final String LOCK_HEAD = "select size, root_hash, frontier from audit_log_head where id = 1 for update";

    /** The primary key of {@code audit_event_key}: what the first try of an append meets when it holds stored events. */
    private static final String KEY_CONSTRAINT = "audit_event_key_pkey";

    /** PostgreSQL's SQLSTATE for a unique violation. */
    private static final String UNIQUE_VIOLATION = "23505";

    /** PostgreSQL's SQLSTATE for a transaction aborted to break a deadlock. */
    private static final String DEADLOCK_DETECTED = "40P01";

    /** How often an append is done again after a deadlock before its failure is reported. */
    private static final int DEADLOCK_RETRIES = 3;

    /** The first try: claims every key of the batch, and fails on {@value #KEY_CONSTRAINT} if one is stored. */
    private static final String COPY_KEYS = "copy audit_event_key (source, event_id) from stdin (format binary)";

    /** The second try: claims the keys not stored yet and returns them, in any order. */
    private static final String CLAIM_NEW_KEYS = """
            insert into audit_event_key (source, event_id)
            select * from unnest(?::text[], ?::text[])
            on conflict do nothing
            returning source, event_id""";

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
                        + "back and done again claiming only the keys not stored");
        this.redoneAfterDeadlock = redoneCounter(meters, "deadlock",
                "Appends that PostgreSQL aborted to break a deadlock with another append claiming the same keys in "
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
     * {@link #append} on the calling thread, which may block: first claiming every key of the batch at once, then, if
     * the log holds some of its events or PostgreSQL broke a deadlock, claiming only the keys not stored.
     */
    public AppendResult appendBlocking(List<PreparedEvent> events) throws SQLException {
        try {
            return appendInTransaction(events, false);
        } catch (SQLException e) {
            if (hasState(e, UNIQUE_VIOLATION, KEY_CONSTRAINT)) {
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
     * Appends the batch's new events in the connection's transaction. Before the head lock it claims their keys and
     * writes their payloads: without {@code someMayBeStored} it claims every key (a stored one fails the
     * {@code COPY} on {@value #KEY_CONSTRAINT}); with it, only the keys not stored, and skips the other events. An
     * event repeated within the batch is skipped either way.
     */
    private LockedAppend append(Connection connection, List<PreparedEvent> events, boolean someMayBeStored) throws SQLException {
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        List<PreparedEvent> distinct = distinct(events);
        List<PreparedEvent> fresh;
        if (someMayBeStored) {
            fresh = claimNewKeys(connection, distinct);
        } else {
            copyIn(copy, COPY_KEYS, keyRows(distinct));
            fresh = distinct;
        }
        EncodedRows rows = null;
        if (!fresh.isEmpty()) {
            rows = EncodedRows.of(fresh, nextPayloadIds(connection, fresh.size()));
            copyIn(copy, COPY_PAYLOADS, rows.payloads());
        }
        MerkleFrontier frontier;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet head = lock.executeQuery()) {
            head.next();
            frontier = MerkleFrontier.fromBytes(head.getLong(1), head.getBytes(3));
        }
        long lockedAt = System.nanoTime();
        Set<PreparedEvent> toLog = Collections.newSetFromMap(new IdentityHashMap<>());
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
        if (rows == null) {
            return new LockedAppend(new AppendResult(sequences, head), lockedAt);
        }
        rows.number(firstSequence);
        copyIn(copy, COPY_EVENTS, rows.events());
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
     * Claims the keys of those of the (distinct) events that the log does not hold, and returns these events in
     * batch order. A key that another append has claimed but not committed makes this wait for that append's end.
     */
    private static List<PreparedEvent> claimNewKeys(Connection connection, List<PreparedEvent> distinct) throws SQLException {
        String[] sources = new String[distinct.size()];
        String[] ids = new String[distinct.size()];
        for (int i = 0; i < distinct.size(); i++) {
            sources[i] = distinct.get(i).received().event().source();
            ids[i] = distinct.get(i).received().event().id();
        }
        Set<String> claimed = new HashSet<>();
        try (PreparedStatement claim = connection.prepareStatement(CLAIM_NEW_KEYS)) {
            claim.setArray(1, connection.createArrayOf("text", sources));
            claim.setArray(2, connection.createArrayOf("text", ids));
            try (ResultSet rows = claim.executeQuery()) {
                while (rows.next()) {
                    claimed.add(PreparedEvent.key(rows.getString(1), rows.getString(2)));
                }
            }
        }
        List<PreparedEvent> fresh = new ArrayList<>(claimed.size());
        for (PreparedEvent event : distinct) {
            if (claimed.contains(event.key())) {
                fresh.add(event);
            }
        }
        return fresh;
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

    private static BinaryCopy keyRows(List<PreparedEvent> events) {
        BinaryCopy rows = new BinaryCopy(events.size() * 96 + 64);
        for (PreparedEvent event : events) {
            rows.row(2).text(event.received().event().source()).text(event.received().event().id());
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
