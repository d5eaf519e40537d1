package dev.polity.sync.messaging;

import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/** Sends one keyed record and completes when Kafka has acknowledged it (acks=all). */
public final class KeyedRecordPublisher {

    private KeyedRecordPublisher() {
    }

    /** @param value the record's value; null sends a tombstone */
    public static Uni<Void> send(MutinyEmitter<byte[]> emitter, String topic, String key, byte[] value) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .build();
        return emitter.sendMessage(Message.of(value, Metadata.of(metadata)))
                .onFailure().transform(e -> KafkaFailures.unavailable(topic, e));
    }
}
