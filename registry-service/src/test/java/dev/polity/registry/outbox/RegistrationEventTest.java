package dev.polity.registry.outbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.contracts.json.Json;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
class RegistrationEventTest {

    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    Pool pool;

    @Test
    void publishesAModelRegisteredCloudEventToTheAuditTopic() throws Exception {
        String name = "events-" + UUID.randomUUID().toString().substring(0, 8);
        Api.as("acme", "ml_engineer")
                .body("""
                        {"version": "0.3.1", "artifact_uri": "s3://m/x.onnx", "artifact_sha256": "%s",
                         "performance_metrics": {"accuracy": 0.91}, "created_by": "bob"}""".formatted(SHA))
                .post("/api/v1/models/acme/{name}/versions", name)
                .then().statusCode(201);

        ConsumerRecord<String, byte[]> record = awaitRecordWithSubject("model/acme/" + name);
        Map<String, byte[]> headers = new HashMap<>();
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value());
        }
        assertThat(text(headers, "ce_specversion")).isEqualTo("1.0");
        assertThat(text(headers, "ce_type")).isEqualTo(EventTypes.MODEL_REGISTERED);
        assertThat(text(headers, "ce_source")).startsWith("/polity/registry-service/");
        assertThat(text(headers, "ce_subject")).isEqualTo("model/acme/" + name);
        assertThat(text(headers, "ce_polityorg")).isEqualTo("acme");
        assertThat(text(headers, "ce_polityactor")).isEqualTo(Api.subject("acme", "ml_engineer"));
        assertThat(text(headers, "ce_id")).isNotBlank();
        assertThat(text(headers, "ce_time")).isNotBlank();
        assertThat(text(headers, "content-type")).isEqualTo("application/json");
        assertThat(record.key()).isEqualTo("model/acme/" + name);

        CloudEvent event = CloudEvent.fromKafkaHeaders(headers, record.value());
        JsonNode data = Json.mapper().readTree(event.data());
        assertThat(data.get("organization").asText()).isEqualTo("acme");
        assertThat(data.get("name").asText()).isEqualTo(name);
        assertThat(data.get("version").asText()).isEqualTo("0.3.1");
        assertThat(data.get("artifact_sha256").asText()).isEqualTo(SHA);
        assertThat(data.get("performance_metrics").get("accuracy").decimalValue()).isEqualByComparingTo("0.91");
        assertThat(data.get("status").asText()).isEqualTo("development");

        // Marked sent only after Kafka acknowledged it, and under the id that went out.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pool
                .preparedQuery("select sent_at from outbox_event where event_id = $1")
                .execute(Tuple.of(event.id())).await().indefinitely()
                .iterator().next().getOffsetDateTime("sent_at")).isNotNull());
    }

    private ConsumerRecord<String, byte[]> awaitRecordWithSubject(String subject) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = consumer.partitionsFor(Topics.AUDIT_EVENTS, Duration.ofSeconds(10)).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    Header header = record.headers().lastHeader("ce_subject");
                    if (header != null && subject.equals(new String(header.value(), StandardCharsets.UTF_8))) {
                        return record;
                    }
                }
            }
        }
        throw new AssertionError("no event with subject " + subject + " on " + Topics.AUDIT_EVENTS);
    }

    private static String text(Map<String, byte[]> headers, String name) {
        byte[] value = headers.get(name);
        return value == null ? null : new String(value, StandardCharsets.UTF_8);
    }
}
