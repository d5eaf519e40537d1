package dev.polity.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polity.contracts.TopicSpec;
import dev.polity.contracts.Topics;
import dev.polity.devstack.process.ChildProcesses;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** One real broker and one real PostgreSQL for the whole class; every test leaves them usable for the others. */
class ProcessModeTest {

    private static final TopicSpec ROUND_TRIP = new TopicSpec("devstack.test.round-trip", 1, Map.of());

    private static Devstack devstack;

    @BeforeAll
    static void startDevstack() {
        List<TopicSpec> topics = new ArrayList<>(Topics.ALL);
        topics.add(ROUND_TRIP);
        devstack = Devstack.start(DevstackOptions.builder().mode(DevstackMode.PROCESS).topics(topics).build());
    }

    @AfterAll
    static void stopDevstack() {
        devstack.close();
    }

    @Test
    void producesAndConsumesARecordThroughAConsumerGroup() throws Exception {
        String key = "org-" + UUID.randomUUID();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig())) {
            producer.send(new ProducerRecord<>(ROUND_TRIP.name(), key, "hello")).get(30, TimeUnit.SECONDS);
        }

        String group = "devstack-test-" + UUID.randomUUID();
        ConsumerRecord<String, String> received = null;
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig(group))) {
            consumer.subscribe(List.of(ROUND_TRIP.name()));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key().equals(key)) {
                        received = record;
                    }
                }
            }
            assertThat(received).as("record with key %s", key).isNotNull();
            // Committing needs the group coordinator and __consumer_offsets: the single-node settings at work.
            consumer.commitSync(Duration.ofSeconds(30));
        }
        assertThat(received.value()).isEqualTo("hello");

        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            assertThat(committed.get(new TopicPartition(ROUND_TRIP.name(), 0)).offset())
                    .isEqualTo(received.offset() + 1);
        }
    }

    @Test
    void createsTopicsWithTheirPartitionsAndConfigs() throws Exception {
        try (Admin admin = admin()) {
            Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.POLICY_BUNDLES),
                    new ConfigResource(ConfigResource.Type.TOPIC, Topics.AUDIT_EVENTS))).all().get(30, TimeUnit.SECONDS);
            TopicDescription bundles = admin.describeTopics(List.of(Topics.POLICY_BUNDLES)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(Topics.POLICY_BUNDLES);

            assertThat(configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.POLICY_BUNDLES))
                    .get("cleanup.policy").value()).isEqualTo("compact");
            Config auditEvents = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, Topics.AUDIT_EVENTS));
            assertThat(auditEvents.get("cleanup.policy").value()).isEqualTo("delete");
            assertThat(auditEvents.get("retention.ms").value()).isEqualTo(String.valueOf(10L * 365 * 24 * 3600 * 1000));
            assertThat(bundles.partitions()).hasSize(3);
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS))
                    .containsAll(Topics.ALL.stream().map(TopicSpec::name).toList());
        }
    }

    @Test
    void createsADatabaseIdempotentlyAndAnswersQueries() throws Exception {
        devstack.createDatabase("devstack_test");
        devstack.createDatabase("devstack_test");

        try (Connection connection = devstack.postgres().connect("devstack_test");
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("select 1")) {
            assertThat(result.next()).isTrue();
            assertThat(result.getInt(1)).isEqualTo(1);
        }
        assertThat(devstack.postgres().jdbcUrl("devstack_test"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:" + devstack.postgres().port() + "/devstack_test");
    }

    @Test
    void externalModeUsesRunningServersCreatesTopicsAndLeavesThemRunning() throws Exception {
        PostgresEndpoint postgres = devstack.postgres();
        Map<String, String> environment = Map.of(
                "POLITY_KAFKA_BOOTSTRAP_SERVERS", devstack.kafkaBootstrapServers(),
                "POLITY_POSTGRES_HOST", postgres.host(),
                "POLITY_POSTGRES_PORT", String.valueOf(postgres.port()),
                "POLITY_POSTGRES_USER", postgres.username(),
                "POLITY_POSTGRES_PASSWORD", postgres.password());
        TopicSpec extra = new TopicSpec("devstack.test.external", 2, Map.of("cleanup.policy", "compact"));

        try (Devstack external = Devstack.start(DevstackOptions.builder().mode(DevstackMode.EXTERNAL)
                .topics(List.of(extra)).build(), environment::get)) {
            assertThat(external.postgres()).isEqualTo(postgres);
            assertThat(external.processes()).isEmpty();
            external.createDatabase("devstack_external");
        }

        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(extra.name());
        }
        assertThat(devstack.processes()).allMatch(ChildProcesses::isRunning);
    }

    private static Properties producerConfig() {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.kafkaBootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return config;
    }

    private static Properties consumerConfig(String group) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.kafkaBootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return config;
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, devstack.kafkaBootstrapServers()));
    }
}
