package dev.polity.audit.event.repository;

import dev.polity.contracts.events.CloudEvent;

import java.time.Instant;

/**
 * A CloudEvent as it came off Kafka, ready to append.
 *
 * @param attributes every Kafka header as received, as a JSON array of {@code [name, value]} pairs
 * @param dataSha256 lower-case hex SHA-256 of the data bytes
 */
public record ReceivedEvent(
        CloudEvent event,
        String attributes,
        String dataSha256,
        Instant receivedAt,
        String kafkaTopic,
        int kafkaPartition,
        long kafkaOffset,
        String kafkaKey) {
}
