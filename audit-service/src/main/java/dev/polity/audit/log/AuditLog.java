package dev.polity.audit.log;

import dev.polity.audit.event.repository.ReceivedEvent;
import dev.polity.contracts.audit.MerkleFrontier;
import dev.polity.contracts.events.CloudEvent;
import io.agroal.api.AgroalDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import jakarta.enterprise.context.ApplicationScoped;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The append-only Merkle log in PostgreSQL. A batch is appended in one transaction that first locks the single
 * {@code audit_log_head} row: sequence numbers are handed out one after the other from the head's size, so two
 * writers (two replicas, or two batches) never fork the log or leave a gap. Under that lock the batch is
 * deduplicated on source + id, the tree's frontier (kept in the head) grows by one leaf per new event, and the
 * events, their payloads and the newly completed stored subtrees are written with one binary {@code COPY} each,
 * then the new head.
 *
 * <p>Appends go through JDBC (the Agroal datasource, on a worker thread): the reactive client has no {@code COPY},
 * and {@code COPY} spares the service the encoding of twenty arrays and PostgreSQL their decoding and
 * {@code unnest} (bench/audit-ingest, session 6). Reads stay on the reactive client.
 */
@ApplicationScoped
public class AuditLog {

    private static final String LOCK_HEAD = "select size, root_hash, frontier from audit_log_head where id = 1 for update";

    private static final String EXISTING = """
            select e.source, e.event_id from audit_event e
              join unnest(?::text[], ?::text[]) as k(source, event_id)
                on e.source = k.source and e.event_id = k.event_id""";

    private static final String COPY_EVENTS = """
            copy audit_event (sequence, event_id, source, type, subject, event_time, organization, actor,
                data_content_type, data_sha256, data_size, attributes, leaf_hash, retention_class, payload_expires_at,
                received_at, kafka_topic, kafka_partition, kafka_offset, kafka_key) from stdin (format binary)""";

    private static final String COPY_PAYLOADS = "copy audit_payload (sequence, expires_at, data) from stdin (format binary)";

    private static final String COPY_NODES = "copy audit_merkle_node (level, idx, hash) from stdin (format binary)";

    private static final String UPDATE_HEAD = "update audit_log_head set size = ?, root_hash = ?, frontier = ? where id = 1";

    private final Pool pool;
    private final AgroalDataSource dataSource;
    private final Vertx vertx;

    AuditLog(Pool pool, AgroalDataSource dataSource, Vertx vertx) {
        this.pool = pool;
        this.dataSource = dataSource;
        this.vertx = vertx;
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
                AppendResult result = append(connection, events);
                connection.commit();
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

    private static AppendResult append(Connection connection, List<PreparedEvent> events) throws SQLException {
        MerkleFrontier frontier;
        try (PreparedStatement lock = connection.prepareStatement(LOCK_HEAD); ResultSet head = lock.executeQuery()) {
            head.next();
            frontier = MerkleFrontier.fromBytes(head.getLong(1), head.getBytes(3));
        }
        Set<String> seen = existing(connection, events);
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
            return new AppendResult(sequences, head);
        }
        CopyManager copy = connection.unwrap(PGConnection.class).getCopyAPI();
        copyIn(copy, COPY_EVENTS, eventRows(fresh, firstSequence));
        copyIn(copy, COPY_PAYLOADS, payloadRows(fresh, firstSequence));
        if (!nodes.isEmpty()) {
            copyIn(copy, COPY_NODES, nodeRows(nodes));
        }
        try (PreparedStatement update = connection.prepareStatement(UPDATE_HEAD)) {
            update.setLong(1, frontier.size());
            update.setBytes(2, head.rootHash());
            update.setBytes(3, frontier.toBytes());
            update.executeUpdate();
        }
        return new AppendResult(sequences, head);
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

    /** The dedup keys ({@link PreparedEvent#key()}) of the batch's events that the log already holds. */
    private static Set<String> existing(Connection connection, List<PreparedEvent> events) throws SQLException {
        String[] sources = new String[events.size()];
        String[] ids = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            sources[i] = events.get(i).received().event().source();
            ids[i] = events.get(i).received().event().id();
        }
        Set<String> known = new HashSet<>();
        try (PreparedStatement query = connection.prepareStatement(EXISTING)) {
            Array sourceArray = connection.createArrayOf("text", sources);
            Array idArray = connection.createArrayOf("text", ids);
            query.setArray(1, sourceArray);
            query.setArray(2, idArray);
            try (ResultSet rows = query.executeQuery()) {
                while (rows.next()) {
                    known.add(rows.getString(1) + '\u0000' + rows.getString(2));
                }
            }
        }
        return known;
    }

    private static BinaryCopy eventRows(List<PreparedEvent> events, long firstSequence) {
        BinaryCopy rows = new BinaryCopy(events.size() * 1024);
        for (int i = 0; i < events.size(); i++) {
            PreparedEvent prepared = events.get(i);
            ReceivedEvent received = prepared.received();
            CloudEvent event = received.event();
            rows.row(20)
                    .int8(firstSequence + i)
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

    private static BinaryCopy payloadRows(List<PreparedEvent> events, long firstSequence) {
        int bytes = 0;
        for (PreparedEvent event : events) {
            bytes += event.received().dataSize() + 32;
        }
        BinaryCopy rows = new BinaryCopy(bytes + 64);
        for (int i = 0; i < events.size(); i++) {
            PreparedEvent event = events.get(i);
            rows.row(3).int8(firstSequence + i).timestamptz(event.payloadExpiresAt()).bytes(event.received().data());
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
