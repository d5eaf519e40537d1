package dev.polity.gateway.breakglass;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.gateway.config.GatewayConfig;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import io.smallrye.common.annotation.Identifier;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * The break-glass grants every gateway replica knows, shared through a compacted Kafka topic (key: grant
 * id, value: the grant as JSON, a tombstone when it ends). Each replica reads the whole topic from the
 * beginning with a plain consumer (no group: every replica sees every grant) and keeps the grants in
 * memory; a replica that writes a grant or its end applies it at once, the others within the poll delay.
 * Fails closed: while the topic cannot be read, a replica knows fewer grants, never more.
 */
@ApplicationScoped
@Startup
public class GrantStore {

    private static final Logger LOG = Logger.getLogger(GrantStore.class);

    private final Map<String, BreakGlassGrant> grants = new ConcurrentHashMap<>();
    /** Grants this replica has seen end; a late copy of their grant record must not bring them back. */
    private final Set<String> ended = ConcurrentHashMap.newKeySet();
    private final ObjectMapper json;
    private final String topic;
    /**
     * Every {@code kafka.*} setting of the application (bootstrap servers, security protocol, SASL login,
     * trust store) as the Kafka connector sees it: these clients must reach the same cluster the same way.
     */
    private final Map<String, Object> kafkaConfig;
    private volatile KafkaProducer<String, String> producer;
    private volatile KafkaConsumer<String, String> consumer;
    private volatile boolean running = true;
    private volatile boolean caughtUp;
    private Thread reader;

    public GrantStore(ObjectMapper json, GatewayConfig config,
                      @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.json = json;
        this.topic = config.breakGlass().topic();
        this.kafkaConfig = Map.copyOf(kafkaConfig);
    }

    /** The application's Kafka settings, with the client settings of this store on top. */
    private Properties clientConfig() {
        Properties config = new Properties();
        config.putAll(kafkaConfig);
        config.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        return config;
    }

    @PostConstruct
    void start() {
        Properties producerConfig = clientConfig();
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        producerConfig.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        producerConfig.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000");
        producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        producerConfig.put(ProducerConfig.CLIENT_ID_CONFIG, "polity-gateway-break-glass");
        producer = new KafkaProducer<>(producerConfig, new StringSerializer(), new StringSerializer());
        reader = Thread.ofVirtual().name("break-glass-grants").start(this::read);
    }

    @PreDestroy
    void stop() {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /** Whether this replica has read the topic to its end once since it started. */
    public boolean caughtUp() {
        return caughtUp;
    }

    /** Stores a new grant; completes when Kafka acknowledged it. */
    public Uni<Void> save(BreakGlassGrant grant) {
        return send(grant.id(), write(grant)).invoke(() -> apply(grant.id(), grant));
    }

    /** Ends a grant (a tombstone); completes when Kafka acknowledged it. */
    public Uni<Void> remove(String grantId) {
        return send(grantId, null).invoke(() -> apply(grantId, null));
    }

    public Optional<BreakGlassGrant> find(String grantId) {
        return Optional.ofNullable(grants.get(grantId));
    }

    /** Grants of {@code organization} that have not ended yet, soonest expiry first. */
    public List<BreakGlassGrant> activeIn(String organization, Instant now) {
        return grants.values().stream().filter(g -> g.organization().equals(organization) && g.activeAt(now))
                .sorted(Comparator.comparing(BreakGlassGrant::expiresAt)).toList();
    }

    /** Grants that apply to {@code user} of {@code organization} right now. */
    public List<BreakGlassGrant> activeFor(String organization, String user, Instant now) {
        if (grants.isEmpty()) {
            return List.of();
        }
        return grants.values().stream()
                .filter(g -> g.organization().equals(organization) && g.user().equals(user) && g.activeAt(now)).toList();
    }

    /** Grants whose expiry has passed but whose end nobody has recorded yet. */
    public List<BreakGlassGrant> expired(Instant now) {
        return grants.values().stream().filter(g -> !g.activeAt(now)).toList();
    }

    private Uni<Void> send(String key, String value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(topic, key, value), (metadata, failure) -> {
                if (failure != null) {
                    acked.completeExceptionally(failure);
                } else {
                    acked.complete(null);
                }
            });
        } catch (RuntimeException e) {
            acked.completeExceptionally(e);
        }
        return Uni.createFrom().completionStage(acked);
    }

    private void apply(String id, BreakGlassGrant grant) {
        if (grant == null) {
            ended.add(id);
            grants.remove(id);
        } else if (!ended.contains(id)) {
            grants.put(id, grant);
        }
    }

    private void read() {
        while (running) {
            try {
                createTopicIfMissing();
                consume();
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                LOG.warnf("reading break-glass grants from %s failed (%s); retrying", topic, e.toString());
                sleep(Duration.ofSeconds(2));
            }
        }
    }

    private void consume() {
        Properties config = clientConfig();
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "polity-gateway-break-glass-reader");
        try (KafkaConsumer<String, String> reading = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
            consumer = reading;
            List<PartitionInfo> partitions = reading.partitionsFor(topic, Duration.ofSeconds(10));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic + " has no partitions yet");
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            reading.assign(assigned);
            reading.seekToBeginning(assigned);
            Map<TopicPartition, Long> end = reading.endOffsets(assigned, Duration.ofSeconds(10));
            while (running) {
                for (ConsumerRecord<String, String> record : reading.poll(Duration.ofMillis(200))) {
                    if (record.value() == null) {
                        apply(record.key(), null);
                    } else {
                        BreakGlassGrant grant = read(record.value());
                        if (grant != null) {
                            apply(record.key(), grant);
                        }
                    }
                }
                if (!caughtUp && end.entrySet().stream().allMatch(e -> reading.position(e.getKey()) >= e.getValue())) {
                    caughtUp = true;
                    LOG.infof("break-glass grants read from %s: %d active", topic, grants.size());
                }
            }
        } finally {
            consumer = null;
        }
    }

    private void createTopicIfMissing() {
        Properties config = clientConfig();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(config)) {
            if (admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic)) {
                return;
            }
            NewTopic compacted = new NewTopic(topic, Optional.of(1), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact", "min.compaction.lag.ms", "0"));
            admin.createTopics(List.of(compacted)).all().get(10, TimeUnit.SECONDS);
            LOG.infof("created the compacted topic %s for break-glass grants", topic);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 10 s", e);
        }
    }

    private String write(BreakGlassGrant grant) {
        try {
            return json.writeValueAsString(grant);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private BreakGlassGrant read(String value) {
        try {
            return json.readValue(value, BreakGlassGrant.class);
        } catch (IOException e) {
            LOG.warnf("skipping an unreadable break-glass grant record: %s", e.getMessage());
            return null;
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
