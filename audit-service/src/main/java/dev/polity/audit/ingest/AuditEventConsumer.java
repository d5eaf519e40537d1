package dev.polity.audit.ingest;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.polity.audit.checkpoint.service.CheckpointService;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.repository.ReceivedEvent;
import dev.polity.audit.log.AppendResult;
import dev.polity.audit.log.AuditLog;
import dev.polity.audit.log.PreparedEvent;
import dev.polity.audit.retention.PayloadPartitions;
import dev.polity.audit.retention.RetentionPolicy;
import dev.polity.contracts.audit.AuditEntries;
import dev.polity.contracts.audit.Merkle;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.InvalidCloudEventException;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Appends every CloudEvent of {@code polity.audit.events} to the Merkle log, a poll's worth of records at a time.
 * The batch is acknowledged (and its offsets become committable) only after the PostgreSQL transaction that
 * stored it has committed and every record refused from it is on the dead-letter topic; a redelivered or re-sent
 * event (same source and id) is dropped under the log's lock. A record that is not a CloudEvent, an inference
 * record with raw data, or an event PostgreSQL refuses outright goes to {@code polity.audit.events.dlq} with
 * {@code dead-letter-*} headers, counted and reported. Anything else (PostgreSQL unreachable) is retried with
 * back-off, never skipped.
 */
@ApplicationScoped
public class AuditEventConsumer {

    private static final Logger LOG = Logger.getLogger(AuditEventConsumer.class);

    private final AuditLog log;
    private final PayloadPartitions partitions;
    private final RetentionPolicy retention;
    private final InferenceRecords inference;
    private final CheckpointService checkpoints;
    private final IngestRejections rejections;
    private final MutinyEmitter<byte[]> deadLetters;
    private final AuditConfig config;
    private final Counter appended;
    private final Counter duplicates;

    AuditEventConsumer(AuditLog log, PayloadPartitions partitions, RetentionPolicy retention, InferenceRecords inference,
                       CheckpointService checkpoints, IngestRejections rejections,
                       @Channel(AuditChannels.AUDIT_EVENTS_DEAD_LETTER) MutinyEmitter<byte[]> deadLetters,
                       AuditConfig config, MeterRegistry meters) {
        this.log = log;
        this.partitions = partitions;
        this.retention = retention;
        this.inference = inference;
        this.checkpoints = checkpoints;
        this.rejections = rejections;
        this.deadLetters = deadLetters;
        this.config = config;
        this.appended = Counter.builder("polity.audit.events.appended").description("Events appended to the audit log")
                .register(meters);
        this.duplicates = Counter.builder("polity.audit.events.duplicates")
                .description("Records of events the log already held (redeliveries, re-sends), dropped").register(meters);
    }

    /** A record refused from the log, on its way to the dead-letter topic. */
    private record Refused(KafkaRecord<String, byte[]> record, String reason, String detail) {
    }

    @Incoming(AuditChannels.AUDIT_EVENTS_IN)
    public Uni<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        List<PreparedEvent> events = new ArrayList<>(batch.getRecords().size());
        List<KafkaRecord<String, byte[]>> sources = new ArrayList<>(batch.getRecords().size());
        List<Refused> refused = new ArrayList<>();
        Instant receivedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        for (KafkaRecord<String, byte[]> record : batch.getRecords()) {
            try {
                prepare(record, receivedAt).ifPresentOrElse(event -> {
                    events.add(event);
                    sources.add(record);
                }, () -> { });
            } catch (RefusedRecordException e) {
                refused.add(new Refused(record, e.reason, e.getMessage()));
            }
        }
        return deadLetter(refused)
                .chain(() -> append(events, sources))
                .chain(() -> Uni.createFrom().completionStage(batch.ack()));
    }

    private Optional<PreparedEvent> prepare(KafkaRecord<String, byte[]> record, Instant receivedAt) {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        List<AuditEntries.Header> entryHeaders = new ArrayList<>();
        // The consumer record's own headers: KafkaRecord.getHeaders() copies every header of every record.
        Iterable<Header> recordHeaders = record.getMetadata(IncomingKafkaRecordMetadata.class)
                .<Iterable<Header>>map(metadata -> metadata.getRecord().headers())
                .orElseGet(record::getHeaders);
        for (Header header : recordHeaders) {
            headers.put(header.key(), header.value());
            entryHeaders.add(new AuditEntries.Header(header.key(),
                    header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8)));
        }
        byte[] data = record.getPayload() == null ? new byte[0] : record.getPayload();
        CloudEvent event;
        try {
            event = CloudEvent.fromKafkaHeaders(headers, data);
        } catch (InvalidCloudEventException e) {
            throw new RefusedRecordException(IngestRejections.INVALID_CLOUD_EVENT, e.getMessage());
        } catch (RuntimeException e) {
            throw new RefusedRecordException(IngestRejections.INVALID_CLOUD_EVENT, "unreadable CloudEvent: " + e);
        }
        Optional<String> rawInference = inference.refusal(event, data);
        if (rawInference.isPresent()) {
            throw new RefusedRecordException(IngestRejections.RAW_INFERENCE_DATA, rawInference.get());
        }
        String dataSha256 = Hashes.sha256Hex(data);
        // Written once, canonically: stored as the event's attributes and hashed into its leaf.
        String attributes = AuditEntries.toJsonText(entryHeaders);
        byte[] leafHash = Merkle.leafHash(AuditEntries.entry(attributes, dataSha256));
        String retentionClass = retention.classOf(event.type());
        ReceivedEvent received = new ReceivedEvent(event, attributes, data, dataSha256, receivedAt,
                record.getTopic(), record.getPartition(), offset(record), record.getKey());
        return Optional.of(new PreparedEvent(received, leafHash, retentionClass,
                retention.expiresAt(retentionClass, receivedAt)));
    }

    /** Appends the batch, retrying while PostgreSQL is unavailable; if it refuses the batch, finds the culprits. */
    private Uni<Void> append(List<PreparedEvent> events, List<KafkaRecord<String, byte[]>> sources) {
        if (events.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return appendRetrying(events)
                .invoke(this::appended)
                .replaceWithVoid()
                .onFailure(AuditEventConsumer::isRefusedByDatabase).recoverWithUni(failure -> {
                    LOG.warnf("PostgreSQL refused a batch of %d audit events (%s); storing them one by one",
                            events.size(), failure.getMessage());
                    return appendOneByOne(events, sources, 0);
                });
    }

    private Uni<Void> appendOneByOne(List<PreparedEvent> events, List<KafkaRecord<String, byte[]>> sources, int index) {
        if (index == events.size()) {
            return Uni.createFrom().voidItem();
        }
        return appendRetrying(List.of(events.get(index)))
                .invoke(this::appended)
                .replaceWithVoid()
                .onFailure(AuditEventConsumer::isRefusedByDatabase).recoverWithUni(failure -> deadLetter(List.of(
                        new Refused(sources.get(index), IngestRejections.UNSTORABLE,
                                "PostgreSQL refused the event: " + failure.getMessage()))))
                .chain(() -> appendOneByOne(events, sources, index + 1));
    }

    private Uni<AppendResult> appendRetrying(List<PreparedEvent> events) {
        return Uni.createFrom().deferred(() -> partitions.ensure(
                        events.stream().map(e -> PayloadPartitions.monthOf(e.payloadExpiresAt())).toList())
                        .chain(() -> log.append(events)))
                .onFailure(failure -> !isRefusedByDatabase(failure)).invoke(failure -> {
                    partitions.forget();
                    LOG.warnf("cannot store %d audit events yet, retrying: %s", events.size(), failure.toString());
                })
                .onFailure(failure -> !isRefusedByDatabase(failure)).retry()
                .withBackOff(config.ingest().retryInitialBackoff(), config.ingest().retryMaxBackoff()).indefinitely();
    }

    private void appended(AppendResult result) {
        long added = result.appended();
        appended.increment(added);
        duplicates.increment(result.sequences().size() - added);
        LOG.debugf("appended %d events, log size %d", added, result.head().size());
        checkpoints.appended(result.head().size());
    }

    /** Sends refused records to the dead-letter topic and waits for Kafka to acknowledge them. */
    private Uni<Void> deadLetter(List<Refused> refused) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (Refused r : refused) {
            chain = chain.chain(() -> sendToDeadLetterTopic(r));
        }
        return chain;
    }

    private Uni<Void> sendToDeadLetterTopic(Refused refused) {
        KafkaRecord<String, byte[]> record = refused.record();
        LOG.errorf("audit record %s-%d@%d refused to the dead-letter topic (%s): %s",
                record.getTopic(), record.getPartition(), offset(record), refused.reason(), refused.detail());
        RecordHeaders headers = new RecordHeaders();
        record.getHeaders().forEach(headers::add);
        headers.add("dead-letter-reason", utf8(refused.detail()));
        headers.add("dead-letter-cause", utf8(refused.reason()));
        headers.add("dead-letter-topic", utf8(record.getTopic()));
        headers.add("dead-letter-partition", utf8(String.valueOf(record.getPartition())));
        headers.add("dead-letter-offset", utf8(String.valueOf(offset(record))));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(record.getKey()).withHeaders(headers).build();
        byte[] value = record.getPayload() == null ? new byte[0] : record.getPayload();
        return deadLetters.sendMessage(Message.of(value, Metadata.of(metadata)))
                .invoke(() -> rejections.record(refused.reason(), refused.detail(), record.getTopic(),
                        record.getPartition(), offset(record)))
                .onFailure().invoke(failure -> LOG.warnf("dead-letter topic unavailable, retrying: %s", failure.toString()))
                .onFailure().retry().withBackOff(config.ingest().retryInitialBackoff(), config.ingest().retryMaxBackoff())
                .indefinitely();
    }

    private static long offset(KafkaRecord<String, byte[]> record) {
        return record.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getOffset).orElse(-1L);
    }

    private static byte[] utf8(String text) {
        return (text == null ? "" : text).getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Data errors (SQLSTATE class 22) and integrity errors (class 23) will fail the same way on every retry;
     * everything else is presumed transient. A missing payload partition (23514 "no partition of relation") is
     * transient too: the partition is created on the next attempt.
     */
    static boolean isRefusedByDatabase(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String state = t instanceof PgException pg ? pg.getSqlState()
                    : t instanceof SQLException sql ? sql.getSQLState() : null;
            if (state != null && (state.startsWith("22") || state.startsWith("23"))) {
                return !(state.equals("23514") && String.valueOf(t.getMessage()).contains("no partition"));
            }
        }
        return false;
    }

    /** A record that cannot enter the log, with the reason it is refused. */
    private static final class RefusedRecordException extends RuntimeException {
        private final String reason;

        RefusedRecordException(String reason, String detail) {
            super(detail, null, false, false);
            this.reason = reason;
        }
    }
}
