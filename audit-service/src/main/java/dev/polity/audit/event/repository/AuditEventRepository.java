package dev.polity.audit.event.repository;

import dev.polity.contracts.events.CloudEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.buffer.Buffer;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit log in PostgreSQL, through the reactive client with plain SQL so that event
 * data is stored and returned as the exact bytes received.
 */
@ApplicationScoped
public class AuditEventRepository {

    private static final String COLUMNS = "sequence, event_id, source, type, subject, event_time, organization, actor, "
            + "data_content_type, data, data_sha256";

    private static final String INSERT = """
            insert into audit_event (sequence, event_id, source, type, subject, event_time, organization, actor,
                data_content_type, data, data_sha256, attributes, received_at, kafka_topic, kafka_partition,
                kafka_offset, kafka_key)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
            on conflict (source, event_id) do nothing
            returning sequence""";

    private final Pool pool;

    AuditEventRepository(Pool pool) {
        this.pool = pool;
    }

    /**
     * Appends an event unless the log already holds one with the same source and id. The head row is
     * locked for the whole transaction, so sequence numbers are assigned one at a time and without gaps.
     *
     * @return the new event's sequence, or empty when it was a duplicate
     */
    public Uni<Optional<Long>> append(ReceivedEvent received) {
        return pool.withTransaction(connection -> connection
                .query("select size from audit_log_head where id = 1 for update").execute()
                .map(rows -> rows.iterator().next().getLong("size") + 1)
                .chain(sequence -> connection.preparedQuery(INSERT).execute(insertTuple(sequence, received))
                        .chain(inserted -> inserted.rowCount() == 0
                                ? Uni.createFrom().item(Optional.<Long>empty())
                                : advanceHead(connection).replaceWith(Optional.of(sequence)))));
    }

    public Uni<Optional<StoredEvent>> findBySequence(long sequence) {
        return pool.preparedQuery("select " + COLUMNS + " from audit_event where sequence = $1")
                .execute(Tuple.of(sequence))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(toStoredEvent(rows.iterator().next())));
    }

    /** Events matching the filter in sequence order, at most {@code filter.limit()}. */
    public Uni<List<StoredEvent>> find(EventFilter filter) {
        StringBuilder sql = new StringBuilder("select ").append(COLUMNS).append(" from audit_event where true");
        List<Object> params = new ArrayList<>();
        condition(sql, params, "subject = ", filter.subject());
        condition(sql, params, "type = ", filter.type());
        condition(sql, params, "organization = ", filter.organization());
        condition(sql, params, "actor = ", filter.actor());
        condition(sql, params, "event_time >= ", filter.from() == null ? null : utc(filter.from()));
        condition(sql, params, "event_time < ", filter.to() == null ? null : utc(filter.to()));
        condition(sql, params, "sequence > ", filter.after());
        params.add(filter.limit());
        sql.append(" order by sequence limit $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(AuditEventRepository::toStoredEvents);
    }

    /** How many events the log holds; also the sequence of the newest one. */
    public Uni<Long> size() {
        return pool.query("select size from audit_log_head where id = 1").execute()
                .map(rows -> rows.iterator().next().getLong("size"));
    }

    private static Uni<RowSet<Row>> advanceHead(SqlConnection connection) {
        return connection.query("update audit_log_head set size = size + 1 where id = 1").execute();
    }

    private static Tuple insertTuple(long sequence, ReceivedEvent received) {
        CloudEvent event = received.event();
        List<Object> values = new ArrayList<>(17);
        values.add(sequence);
        values.add(event.id());
        values.add(event.source());
        values.add(event.type());
        values.add(event.subject());
        values.add(utc(event.time()));
        values.add(event.organization());
        values.add(event.actor());
        values.add(event.dataContentType());
        values.add(Buffer.buffer(event.data()));
        values.add(received.dataSha256());
        values.add(received.attributes());
        values.add(utc(received.receivedAt()));
        values.add(received.kafkaTopic());
        values.add(received.kafkaPartition());
        values.add(received.kafkaOffset());
        values.add(received.kafkaKey());
        return Tuple.from(values);
    }

    private static void condition(StringBuilder sql, List<Object> params, String comparison, Object value) {
        if (value != null) {
            params.add(value);
            sql.append(" and ").append(comparison).append('$').append(params.size());
        }
    }

    private static List<StoredEvent> toStoredEvents(RowSet<Row> rows) {
        List<StoredEvent> events = new ArrayList<>(rows.rowCount());
        for (Row row : rows) {
            events.add(toStoredEvent(row));
        }
        return events;
    }

    private static StoredEvent toStoredEvent(Row row) {
        io.vertx.mutiny.core.buffer.Buffer data = row.getBuffer("data");
        return new StoredEvent(
                row.getLong("sequence"),
                row.getString("event_id"),
                row.getString("source"),
                row.getString("type"),
                row.getString("subject"),
                row.getOffsetDateTime("event_time").toInstant(),
                row.getString("organization"),
                row.getString("actor"),
                row.getString("data_content_type"),
                data == null ? null : data.getBytes(),
                row.getString("data_sha256"));
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
