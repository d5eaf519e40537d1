package dev.polity.registry.outbox;

import dev.polity.contracts.events.CloudEvent;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;

/**
 * A CloudEvent waiting to be relayed to Kafka, written in the same transaction as the change it
 * describes. It holds the complete event, id included, so every retry sends the very same event.
 */
@Entity
@Table(name = "outbox_event")
public class OutboxEventEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "event_id", nullable = false, unique = true)
    public String eventId;

    @Column(nullable = false)
    public String source;

    @Column(nullable = false)
    public String type;

    public String subject;

    @Column(name = "event_time", nullable = false)
    public Instant eventTime;

    @Column(name = "data_content_type")
    public String dataContentType;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    public Map<String, String> extensions;

    @Column(nullable = false)
    public byte[] data;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "sent_at")
    public Instant sentAt;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    public static OutboxEventEntity pending(CloudEvent event, Instant createdAt) {
        OutboxEventEntity entity = new OutboxEventEntity();
        entity.eventId = event.id();
        entity.source = event.source();
        entity.type = event.type();
        entity.subject = event.subject();
        entity.eventTime = event.time();
        entity.dataContentType = event.dataContentType();
        entity.extensions = event.extensions();
        entity.data = event.data();
        entity.createdAt = createdAt;
        return entity;
    }

    public CloudEvent toCloudEvent() {
        return new CloudEvent(eventId, source, type, subject, eventTime, dataContentType, extensions, data);
    }
}
