package dev.polity.audit.event.repository;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads the audit log in PostgreSQL (appends are {@link dev.polity.audit.log.AuditLog}'s), through the reactive
 * client with plain SQL so that event data is returned as the exact bytes received. Payloads come from the
 * partitioned {@code audit_payload} table and are null once expired.
 */
@ApplicationScoped
public class AuditEventRepository {

    private static final String SELECT = """
            select e.sequence, d.event_id, d.source, e.type, e.subject, e.event_time, e.organization, e.actor,
                   d.data_content_type, p.data, d.data_sha256, e.leaf_hash, d.attributes, e.received_at,
                   d.retention_class, e.payload_expires_at
              from audit_event e
              join audit_event_detail d on d.payload_id = e.payload_id
              left join audit_payload p on p.payload_id = e.payload_id and p.expires_at = e.payload_expires_at""";

    private final Pool pool;

    AuditEventRepository(Pool pool) {
        this.pool = pool;
    }

    public Uni<Optional<StoredEvent>> findBySequence(long sequence) {
        return pool.preparedQuery(SELECT + " where e.sequence = $1")
                .execute(Tuple.of(sequence))
                .map(rows -> rows.rowCount() == 0 ? Optional.empty() : Optional.of(toStoredEvent(rows.iterator().next())));
    }

    /** Events matching the filter in sequence order, at most {@code filter.limit()}. */
    public Uni<List<StoredEvent>> find(EventFilter filter) {
        StringBuilder sql = new StringBuilder(SELECT).append(" where true");
        List<Object> params = new ArrayList<>();
        condition(sql, params, "e.subject = ", filter.subject());
        condition(sql, params, "e.type = ", filter.type());
        condition(sql, params, "e.organization = ", filter.organization());
        condition(sql, params, "e.actor = ", filter.actor());
        condition(sql, params, "e.event_time >= ", filter.from() == null ? null : utc(filter.from()));
        condition(sql, params, "e.event_time < ", filter.to() == null ? null : utc(filter.to()));
        condition(sql, params, "e.sequence > ", filter.after());
        params.add(filter.limit());
        sql.append(" order by e.sequence limit $").append(params.size());
        return pool.preparedQuery(sql.toString()).execute(Tuple.from(params)).map(AuditEventRepository::toStoredEvents);
    }

    /** Entries with {@code after < sequence <= upTo} in sequence order, at most {@code limit}. */
    public Uni<List<StoredEvent>> range(long after, long upTo, int limit) {
        return pool.preparedQuery(SELECT + " where e.sequence > $1 and e.sequence <= $2 order by e.sequence limit $3")
                .execute(Tuple.of(after, upTo, limit)).map(AuditEventRepository::toStoredEvents);
    }

    /** The first sequence received at or after {@code time}, or empty. */
    public Uni<Optional<Long>> firstReceivedAtOrAfter(Instant time) {
        return pool.preparedQuery("select min(sequence) from audit_event where received_at >= $1")
                .execute(Tuple.of(utc(time))).map(rows -> Optional.ofNullable(rows.iterator().next().getLong(0)));
    }

    /** The last sequence received before {@code time}, or empty. */
    public Uni<Optional<Long>> lastReceivedBefore(Instant time) {
        return pool.preparedQuery("select max(sequence) from audit_event where received_at < $1")
                .execute(Tuple.of(utc(time))).map(rows -> Optional.ofNullable(rows.iterator().next().getLong(0)));
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
                row.getString("data_sha256"),
                row.getBuffer("leaf_hash").getBytes(),
                row.getString("attributes"),
                row.getOffsetDateTime("received_at").toInstant(),
                row.getString("retention_class"),
                row.getOffsetDateTime("payload_expires_at").toInstant());
    }

    private static OffsetDateTime utc(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC);
    }
}
