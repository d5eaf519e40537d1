package dev.polity.audit.log;

import dev.polity.audit.event.repository.ReceivedEvent;
import dev.polity.contracts.audit.MerkleFrontier;
import dev.polity.contracts.events.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The append-only Merkle log in PostgreSQL. A batch is appended in one transaction that first locks the single
 * {@code audit_log_head} row: sequence numbers are handed out one after the other from the head's size, so two
 * writers (two replicas, or two batches) never fork the log or leave a gap. Under that lock the batch is
 * deduplicated on source + id, the tree's frontier (kept in the head) grows by one leaf per new event, and the
 * events, their payloads, the newly completed stored subtrees and the new head are written with one multi-row
 * statement each.
 */
@ApplicationScoped
public class AuditLog {

    private static final String LOCK_HEAD = "select size, root_hash, frontier from audit_log_head where id = 1 for update";

    private static final String EXISTING = """
            select e.source, e.event_id from audit_event e
              join unnest($1::text[], $2::text[]) as k(source, event_id)
                on e.source = k.source and e.event_id = k.event_id""";

    private static final String INSERT_EVENTS = """
            insert into audit_event (sequence, event_id, source, type, subject, event_time, organization, actor,
                data_content_type, data_sha256, data_size, attributes, leaf_hash, retention_class, payload_expires_at,
                received_at, kafka_topic, kafka_partition, kafka_offset, kafka_key)
            select * from unnest($1::int8[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                $7::text[], $8::text[], $9::text[], $10::text[], $11::int4[], $12::text[], $13::bytea[], $14::text[],
                $15::timestamptz[], $16::timestamptz[], $17::text[], $18::int4[], $19::int8[], $20::text[])""";

    private static final String INSERT_PAYLOADS = """
            insert into audit_payload (sequence, expires_at, data)
            select * from unnest($1::int8[], $2::timestamptz[], $3::bytea[])""";

    private static final String INSERT_NODES = """
            insert into audit_merkle_node (level, idx, hash)
            select * from unnest($1::int2[], $2::int8[], $3::bytea[])""";

    private static final String UPDATE_HEAD = "update audit_log_head set size = $1, root_hash = $2, frontier = $3 where id = 1";

    private final Pool pool;

    AuditLog(Pool pool) {
        this.pool = pool;
    }

    public Uni<LogHead> head() {
        return pool.query("select size, root_hash from audit_log_head where id = 1").execute()
                .map(rows -> {
                    Row row = rows.iterator().next();
                    return new LogHead(row.getLong(0), row.getBuffer(1).getBytes());
                });
    }

    /** Appends the events that the log does not hold yet, in the given order, in one transaction. */
    public Uni<AppendResult> append(List<PreparedEvent> events) {
        return pool.withTransaction(connection -> connection.query(LOCK_HEAD).execute().chain(rows -> {
            Row head = rows.iterator().next();
            long size = head.getLong(0);
            MerkleFrontier frontier = MerkleFrontier.fromBytes(size, head.getBuffer(2).getBytes());
            return existing(connection, events).chain(known -> appendNew(connection, events, known, frontier));
        }));
    }

    private Uni<AppendResult> appendNew(SqlConnection connection, List<PreparedEvent> events, Set<String> known,
                                        MerkleFrontier frontier) {
        Set<String> seen = new HashSet<>(known);
        List<Long> sequences = new ArrayList<>(events.size());
        List<PreparedEvent> fresh = new ArrayList<>(events.size());
        List<Short> nodeLevels = new ArrayList<>();
        List<Long> nodeIndexes = new ArrayList<>();
        List<Buffer> nodeHashes = new ArrayList<>();
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
                    nodeLevels.add((short) node.level());
                    nodeIndexes.add(node.index());
                    nodeHashes.add(Buffer.buffer(node.hash()));
                }
            }
        }
        LogHead head = new LogHead(frontier.size(), frontier.root());
        if (fresh.isEmpty()) {
            return Uni.createFrom().item(new AppendResult(sequences, head));
        }
        Uni<?> writes = connection.preparedQuery(INSERT_EVENTS).execute(eventColumns(fresh, firstSequence))
                .chain(() -> connection.preparedQuery(INSERT_PAYLOADS).execute(payloadColumns(fresh, firstSequence)));
        if (!nodeLevels.isEmpty()) {
            writes = writes.chain(() -> connection.preparedQuery(INSERT_NODES).execute(Tuple.tuple()
                    .addArrayOfShort(nodeLevels.toArray(Short[]::new))
                    .addArrayOfLong(nodeIndexes.toArray(Long[]::new))
                    .addValue(nodeHashes.toArray(Buffer[]::new))));
        }
        return writes.chain(() -> connection.preparedQuery(UPDATE_HEAD).execute(Tuple.tuple().addLong(frontier.size())
                        .addValue(Buffer.buffer(head.rootHash())).addValue(Buffer.buffer(frontier.toBytes()))))
                .replaceWith(new AppendResult(sequences, head));
    }

    private static Uni<Set<String>> existing(SqlConnection connection, List<PreparedEvent> events) {
        String[] sources = new String[events.size()];
        String[] ids = new String[events.size()];
        for (int i = 0; i < events.size(); i++) {
            sources[i] = events.get(i).received().event().source();
            ids[i] = events.get(i).received().event().id();
        }
        return connection.preparedQuery(EXISTING).execute(Tuple.tuple().addArrayOfString(sources).addArrayOfString(ids))
                .map(rows -> {
                    Set<String> known = new HashSet<>();
                    for (Row row : rows) {
                        known.add(row.getString(0) + '\u0000' + row.getString(1));
                    }
                    return known;
                });
    }

    private static Tuple eventColumns(List<PreparedEvent> events, long firstSequence) {
        int n = events.size();
        Long[] sequence = new Long[n];
        String[] eventId = new String[n];
        String[] source = new String[n];
        String[] type = new String[n];
        String[] subject = new String[n];
        OffsetDateTime[] eventTime = new OffsetDateTime[n];
        String[] organization = new String[n];
        String[] actor = new String[n];
        String[] contentType = new String[n];
        String[] dataSha256 = new String[n];
        Integer[] dataSize = new Integer[n];
        String[] attributes = new String[n];
        Buffer[] leafHash = new Buffer[n];
        String[] retentionClass = new String[n];
        OffsetDateTime[] expiresAt = new OffsetDateTime[n];
        OffsetDateTime[] receivedAt = new OffsetDateTime[n];
        String[] topic = new String[n];
        Integer[] partition = new Integer[n];
        Long[] offset = new Long[n];
        String[] key = new String[n];
        for (int i = 0; i < n; i++) {
            PreparedEvent prepared = events.get(i);
            ReceivedEvent received = prepared.received();
            CloudEvent event = received.event();
            sequence[i] = firstSequence + i;
            eventId[i] = event.id();
            source[i] = event.source();
            type[i] = event.type();
            subject[i] = event.subject();
            eventTime[i] = utc(event.time());
            organization[i] = event.organization();
            actor[i] = event.actor();
            contentType[i] = event.dataContentType();
            dataSha256[i] = received.dataSha256();
            dataSize[i] = received.dataSize();
            attributes[i] = received.attributes();
            leafHash[i] = Buffer.buffer(prepared.leafHash());
            retentionClass[i] = prepared.retentionClass();
            expiresAt[i] = utc(prepared.payloadExpiresAt());
            receivedAt[i] = utc(received.receivedAt());
            topic[i] = received.kafkaTopic();
            partition[i] = received.kafkaPartition();
            offset[i] = received.kafkaOffset();
            key[i] = received.kafkaKey();
        }
        return Tuple.tuple()
                .addArrayOfLong(sequence).addArrayOfString(eventId).addArrayOfString(source).addArrayOfString(type)
                .addArrayOfString(subject).addArrayOfOffsetDateTime(eventTime).addArrayOfString(organization)
                .addArrayOfString(actor).addArrayOfString(contentType).addArrayOfString(dataSha256)
                .addArrayOfInteger(dataSize).addArrayOfString(attributes).addValue(leafHash)
                .addArrayOfString(retentionClass).addArrayOfOffsetDateTime(expiresAt).addArrayOfOffsetDateTime(receivedAt)
                .addArrayOfString(topic).addArrayOfInteger(partition).addArrayOfLong(offset).addArrayOfString(key);
    }

    private static Tuple payloadColumns(List<PreparedEvent> events, long firstSequence) {
        int n = events.size();
        Long[] sequence = new Long[n];
        OffsetDateTime[] expiresAt = new OffsetDateTime[n];
        Buffer[] data = new Buffer[n];
        for (int i = 0; i < n; i++) {
            sequence[i] = firstSequence + i;
            expiresAt[i] = utc(events.get(i).payloadExpiresAt());
            data[i] = Buffer.buffer(events.get(i).received().data());
        }
        return Tuple.tuple().addArrayOfLong(sequence).addArrayOfOffsetDateTime(expiresAt).addValue(data);
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
