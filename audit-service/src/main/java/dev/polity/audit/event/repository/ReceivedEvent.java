package dev.polity.audit.event.repository;

import dev.polity.contracts.events.CloudEvent;

import java.time.Instant;

/**
 * A CloudEvent as it came off Kafka, ready to append.
 *
 * @param attributes every Kafka header as received, as a JSON array of {@code [name, value]} pairs
 * @param data       the record value exactly as received
 * @param dataSha256 lower-case hex SHA-256 of the data bytes
 */
public record ReceivedEvent(
        CloudEvent event,
        String attributes,
        byte[] data,
        String dataSha256,
        Instant receivedAt,
        String kafkaTopic,
        int kafkaPartition,
        long kafkaOffset,
        String kafkaKey) {

    public int dataSize() {
        return data.length;
    }
}
