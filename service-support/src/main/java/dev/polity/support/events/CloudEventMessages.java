package dev.polity.support.events;

import dev.polity.contracts.events.CloudEvent;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * Turns a {@link CloudEvent} into a binary-mode Kafka message for the audit topic, keyed by
 * subject so that every event about one model, policy or organisation stays in order.
 */
public final class CloudEventMessages {

    private CloudEventMessages() {
    }

    public static Message<byte[]> toKafkaMessage(CloudEvent event) {
        OutgoingKafkaRecordMetadata<String> metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(keyOf(event))
                .withHeaders(headersOf(event))
                .build();
        return Message.of(event.dataWithoutCopy(), Metadata.of(metadata)); // the serializer only reads it
    }

    /** The same record as {@link #toKafkaMessage}, for a Kafka producer used directly. */
    public static ProducerRecord<String, byte[]> toProducerRecord(String topic, CloudEvent event) {
        return new ProducerRecord<>(topic, null, keyOf(event), event.dataWithoutCopy(), headersOf(event));
    }

    private static String keyOf(CloudEvent event) {
        return event.subject() != null ? event.subject() : event.id();
    }

    private static RecordHeaders headersOf(CloudEvent event) {
        RecordHeaders headers = new RecordHeaders();
        event.toKafkaHeaders().forEach(headers::add);
        return headers;
    }
}
