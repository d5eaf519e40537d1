package dev.polity.audit.ingest;

import dev.polity.audit.AuditKafka;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.contracts.Topics;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** An auditor reading polity.audit.events directly with the CloudEvents Kafka SDK, as the README shows. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class CloudEventsSdkTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void readsTheAuditTopicWithTheCloudEventsKafkaSdk() {
        String subject = "model/acme/" + AuditKafka.unique("sdk");
        String json = "{\"decision\":{\"decision\":\"approved\"}}";
        dev.polity.contracts.events.CloudEvent sent = AuditKafka.event("polity.decision.made", subject, "acme", "pipeline-acme", json);
        RecordMetadata where = AuditKafka.sendAndLocate(bootstrapServers, Topics.AUDIT_EVENTS, sent);

        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, AuditKafka.unique("auditor"));
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        CloudEvent received = null;
        try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(props)) {
            // The topic also holds records that are not CloudEvents (they went to the dead-letter topic), which
            // the SDK's deserializer refuses; start at the event's own offset.
            TopicPartition partition = new TopicPartition(where.topic(), where.partition());
            consumer.assign(List.of(partition));
            consumer.seek(partition, where.offset());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (received == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, CloudEvent> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.value() != null && sent.id().equals(record.value().getId())) {
                        received = record.value();
                    }
                }
            }
        }
        assertThat(received).as("the event on the topic").isNotNull();
        assertThat(received.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(received.getType()).isEqualTo("polity.decision.made");
        assertThat(received.getSource().toString()).isEqualTo(sent.source());
        assertThat(received.getSubject()).isEqualTo(subject);
        assertThat(received.getTime().toInstant()).isEqualTo(sent.time());
        assertThat(received.getDataContentType()).isEqualTo("application/json");
        assertThat(received.getExtension("polityorg")).isEqualTo("acme");
        assertThat(received.getExtension("polityactor")).isEqualTo("pipeline-acme");
        assertThat(new String(received.getData().toBytes(), StandardCharsets.UTF_8)).isEqualTo(json);
    }
}
