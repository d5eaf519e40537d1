package dev.polity.audit.ingest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.repository.AuditEventRepository;
import dev.polity.audit.event.repository.ReceivedEvent;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.InvalidCloudEventException;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Appends every CloudEvent of {@code polity.audit.events} to the log. A record is acknowledged (and its
 * offset becomes committable) only after the PostgreSQL transaction that stored it has committed; a
 * duplicate (same source and id) is acknowledged without being stored again. A record that is not a
 * CloudEvent, or that PostgreSQL refuses outright, is nacked and so goes to {@code polity.audit.events.dlq},
 * counted and reported. Anything else (PostgreSQL unreachable) is retried, never skipped.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private static final Logger LOG = Logger.getLogger(AuditEventConsumer.class);

    private final AuditEventRepository repository;
    private final IngestRejections rejections;
    private final AuditConfig config;

    AuditEventConsumer(AuditEventRepository repository, IngestRejections rejections, AuditConfig config) {
        this.repository = repository;
        this.rejections = rejections;
        this.config = config;
    }

    @Incoming(AuditChannels.AUDIT_EVENTS_IN)
    public Uni<Void> consume(Message<byte[]> message) {
        IncomingKafkaRecordMetadata<?, ?> record = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .orElseThrow(() -> new IllegalStateException("not a Kafka record"));
        Map<String, byte[]> headers = new LinkedHashMap<>();
        ArrayNode attributes = JsonNodeFactory.instance.arrayNode();
        for (Header header : record.getHeaders()) {
            headers.put(header.key(), header.value());
            attributes.addArray().add(header.key())
                    .add(header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8));
        }
        CloudEvent event;
        try {
            event = CloudEvent.fromKafkaHeaders(headers, message.getPayload());
        } catch (InvalidCloudEventException e) {
            return reject(message, record, IngestRejections.INVALID_CLOUD_EVENT, e.getMessage(), e);
        } catch (RuntimeException e) {
            return reject(message, record, IngestRejections.INVALID_CLOUD_EVENT, "unreadable CloudEvent: " + e, e);
        }
        ReceivedEvent received = new ReceivedEvent(event, attributes.toString(), Hashes.sha256Hex(event.data()),
                Instant.now().truncatedTo(ChronoUnit.MICROS), record.getTopic(), record.getPartition(), record.getOffset(),
                record.getKey() == null ? null : record.getKey().toString());
        return repository.append(received)
                .onFailure(failure -> !isRefusedByDatabase(failure)).invoke(failure -> LOG.warnf(
                        "cannot store audit event %s from %s yet, retrying: %s", event.id(), event.source(), failure.toString()))
                .onFailure(failure -> !isRefusedByDatabase(failure)).retry()
                .withBackOff(config.ingest().retryInitialBackoff(), config.ingest().retryMaxBackoff()).indefinitely()
                .onItem().transformToUni(sequence -> {
                    if (sequence.isPresent()) {
                        LOG.debugf("appended %s %s from %s as %d", event.type(), event.id(), event.source(), sequence.get());
                    } else {
                        LOG.debugf("duplicate %s from %s ignored", event.id(), event.source());
                    }
                    return Uni.createFrom().completionStage(message.ack());
                })
                .onFailure().recoverWithUni(failure -> reject(message, record, IngestRejections.UNSTORABLE,
                        "PostgreSQL refused the event: " + failure.getMessage(), failure));
    }

    private Uni<Void> reject(Message<byte[]> message, IncomingKafkaRecordMetadata<?, ?> record, String reason,
                             String detail, Throwable cause) {
        LOG.errorf("audit record %s-%d@%d rejected to the dead-letter topic (%s): %s",
                record.getTopic(), record.getPartition(), record.getOffset(), reason, detail);
        rejections.record(reason, detail, record.getTopic(), record.getPartition(), record.getOffset());
        return Uni.createFrom().completionStage(message.nack(cause));
    }

    /**
     * Data errors (SQLSTATE class 22) and integrity errors (class 23) will fail the same way on every
     * retry; everything else is presumed transient.
     */
    private static boolean isRefusedByDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && pg.getSqlState() != null
                    && (pg.getSqlState().startsWith("22") || pg.getSqlState().startsWith("23"))) {
                return true;
            }
        }
        return false;
    }
}
