package dev.polity.audit.checkpoint.service;

import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.ingest.AuditChannels;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.json.Json;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Puts signed checkpoints on {@code polity.audit.checkpoints} (compacted, key = log id, value = the checkpoint's
 * JSON), oldest first, marking each as published once Kafka acknowledged it; a checkpoint that could not be sent
 * is sent again on the next round.
 */
@ApplicationScoped
public class CheckpointPublisher {

    private final MutinyEmitter<byte[]> emitter;
    private final CheckpointRepository checkpoints;
    private final String logId;

    CheckpointPublisher(@Channel(AuditChannels.AUDIT_CHECKPOINTS_OUT) MutinyEmitter<byte[]> emitter,
                        CheckpointRepository checkpoints, AuditConfig config) {
        this.emitter = emitter;
        this.checkpoints = checkpoints;
        this.logId = config.logId();
    }

    public Uni<Void> publishPending() {
        return checkpoints.unpublished().chain(pending -> {
            Uni<Void> chain = Uni.createFrom().voidItem();
            for (Checkpoint checkpoint : pending) {
                chain = chain.chain(() -> send(checkpoint))
                        .chain(() -> checkpoints.markPublished(checkpoint.treeSize(), Instant.now()));
            }
            return chain;
        });
    }

    private Uni<Void> send(Checkpoint checkpoint) {
        byte[] value;
        try {
            value = Json.mapper().writeValueAsBytes(checkpoint);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        RecordHeaders headers = new RecordHeaders();
        headers.add("content-type", "application/json".getBytes(StandardCharsets.UTF_8));
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(logId).withHeaders(headers).build();
        return emitter.sendMessage(Message.of(value, Metadata.of(metadata)));
    }
}
