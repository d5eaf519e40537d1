package dev.polity.registry.testing;

import dev.polity.contracts.Topics;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;

import static org.awaitility.Awaitility.await;

/** Publishes organisations on {@code polity.federation.organizations} as the central authority does. */
public final class Federation {

    private Federation() {
    }

    public static void publish(String bootstrapServers, String key, String json) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            producer.send(new ProducerRecord<>(Topics.FEDERATION_ORGANIZATIONS, key,
                    json == null ? null : json.getBytes(StandardCharsets.UTF_8))).get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + key, e);
        }
    }

    /** Publishes the organisation and waits until the registry stored its tier. */
    public static void publishAndAwait(String bootstrapServers, Pool pool, String id, String tier, String extraJson) {
        publish(bootstrapServers, id, """
                {"id": "%s", "name": "%s", "tier": "%s", "region": "eu", "created_at": "2026-01-01T00:00:00Z"%s}"""
                .formatted(id, id, tier, extraJson == null ? "" : ", " + extraJson));
        await().atMost(Duration.ofSeconds(30)).until(() -> tier.equals(tierOf(pool, id)));
    }

    /** Whether a record with {@code key} reached the organisations' dead-letter topic within 30 s. */
    public static boolean deadLettered(String bootstrapServers, String key) {
        Properties props = new Properties();
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.StringDeserializer.class.getName());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]>(props)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                var partitions = consumer.partitionsFor(Topics.FEDERATION_ORGANIZATIONS + ".dlq", Duration.ofSeconds(5));
                if (partitions == null || partitions.isEmpty()) {
                    continue;
                }
                var assigned = partitions.stream()
                        .map(info -> new org.apache.kafka.common.TopicPartition(info.topic(), info.partition())).toList();
                consumer.assign(assigned);
                consumer.seekToBeginning(assigned);
                for (int i = 0; i < 10; i++) {
                    for (var record : consumer.poll(Duration.ofMillis(500))) {
                        if (key.equals(record.key())) {
                            return true;
                        }
                    }
                }
            }
        }
        return false;
    }

    public static String tierOf(Pool pool, String id) {
        var rows = pool.preparedQuery("select tier from organization where id = $1").execute(Tuple.of(id)).await().indefinitely();
        return rows.size() == 0 ? null : rows.iterator().next().getString("tier");
    }
}
