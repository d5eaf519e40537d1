package dev.polity.contracts;

import java.util.Map;

/**
 * A Kafka topic Polity relies on: its name, partition count and topic-level configuration
 * (cleanup policy, retention). Infrastructure code (devstack, Strimzi KafkaTopic resources)
 * creates topics from these so that compaction and retention are never left to broker defaults.
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {
    public TopicSpec {
        configs = Map.copyOf(configs);
    }
}
