package dev.polity.support.security.breakglass;

import io.quarkus.runtime.Startup;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The break-glass grants this replica knows, read from the compacted grant topic (key: grant id, value:
 * the grant as JSON, a tombstone when it ends). Read only: the gateway writes the topic, and only the
 * gateway's Kafka user may.
 *
 * <p>A plain consumer assigns itself every partition and reads from the beginning, without a consumer
 * group, so every replica of every service sees every grant, however many replicas run. After each poll
 * it asks the brokers for the topic's end; having reached it is what keeps the grants counting (see
 * {@link GrantTable}). When reading fails it starts over with a new consumer: meanwhile the grants stop
 * counting once {@link BreakGlassConfig#maxStaleness()} has passed (fails closed).
 */
@ApplicationScoped
@Startup
public class GrantStore {

    private static final Logger LOG = Logger.getLogger(GrantStore.class);
    /** Longest wait for a record; also about how often the topic's end is checked. */
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofSeconds(10);

    private final BreakGlassConfig config;
    /**
     * Every {@code kafka.*} setting of the application (bootstrap servers, security protocol, SASL login,
     * trust store) as the Kafka connector sees it: this consumer must reach the same cluster the same way.
     */
    private final Map<String, Object> kafkaConfig;
    private final GrantTable table;
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, String> consumer;
    private Thread reader;
    // Touched by the reader thread only.
    private boolean failing;
    private Duration retryDelay = FIRST_RETRY;

    public GrantStore(BreakGlassConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafkaConfig) {
        this.config = config;
        this.kafkaConfig = Map.copyOf(kafkaConfig);
        this.table = new GrantTable(config.maxStaleness());
    }

    @PostConstruct
    void start() {
        if (!config.enabled()) {
            LOG.infof("break-glass grants are off (polity.break-glass.enabled=false): only the roles in tokens count");
            return;
        }
        reader = Thread.ofVirtual().name("break-glass-grant-reader").start(this::read);
    }

    @PreDestroy
    void stop() {
        running = false;
        KafkaConsumer<String, String> current = consumer;
        if (current != null) {
            current.wakeup();
        } else if (reader != null) {
            // Waiting to retry: cut the wait short. (An interrupted consumer would log its close as an error.)
            reader.interrupt();
        }
        if (reader != null) {
            try {
                reader.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public String topic() {
        return config.topic();
    }

    /**
     * The application's Kafka settings as client properties, for other clients of the grant topic that must
     * reach the same cluster the same way (the gateway's writer).
     */
    public Properties kafkaClientConfig() {
        Properties client = new Properties();
        client.putAll(kafkaConfig);
        client.putIfAbsent(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:9092");
        return client;
    }

    /** Whether this replica has read the whole topic at least once since it started. */
    public boolean caughtUp() {
        return table.everReadToEnd();
    }

    /** The grants that raise {@code user} of {@code organization} at {@code now}; none while this replica is not current. */
    public List<BreakGlassGrant> activeFor(String organization, String user, Instant now) {
        return table.applyingTo(organization, user, now);
    }

    /** Known grants of {@code organization} that have not expired, soonest expiry first. For listing; checks use {@link #activeFor}. */
    public List<BreakGlassGrant> activeIn(String organization, Instant now) {
        return table.activeIn(organization, now);
    }

    public Optional<BreakGlassGrant> find(String grantId) {
        return table.find(grantId);
    }

    /** Known grants whose expiry has passed but whose tombstone has not arrived yet. */
    public List<BreakGlassGrant> expired(Instant now) {
        return table.expired(now);
    }

    /**
     * Takes a grant ({@code grant} null: the end of {@code grantId}) that a writer in this process has had
     * acknowledged by Kafka, so that it holds here at once instead of after the next poll. The reader reads
     * the same record later; applying it twice changes nothing.
     */
    public void recordWritten(String grantId, BreakGlassGrant grant) {
        table.applyWritten(grantId, grant);
    }

    private void read() {
        while (running) {
            try {
                consume();
            } catch (WakeupException | InterruptException e) {
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (failing) {
                    LOG.debugf("reading break-glass grants from %s still fails (%s); retrying in %s", topic(), e, retryDelay);
                } else {
                    LOG.warnf("reading break-glass grants from %s failed (%s); retrying. Grants count here only while the "
                            + "topic was read to its end within %s", topic(), e, config.maxStaleness());
                    failing = true;
                }
                if (!sleep(retryDelay)) {
                    return;
                }
                Duration doubled = retryDelay.multipliedBy(2);
                retryDelay = doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
            }
        }
    }

    /** Reads the topic from its beginning until stopped; throws when the topic cannot be read. */
    private void consume() {
        Properties settings = kafkaClientConfig();
        settings.remove(ConsumerConfig.GROUP_ID_CONFIG);
        settings.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        settings.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // Only the gateway's writer (or the Topic Operator) creates the topic; readers wait for it.
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
        settings.put(ConsumerConfig.CLIENT_ID_CONFIG, "polity-break-glass-reader");
        try (KafkaConsumer<String, String> reading = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            consumer = reading;
            if (!running) {
                return;
            }
            List<PartitionInfo> partitions = reading.partitionsFor(topic(), BROKER_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + topic() + " does not exist (yet)");
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic(), p.partition())).toList();
            reading.assign(assigned);
            reading.seekToBeginning(assigned);
            while (running) {
                for (ConsumerRecord<String, String> record : reading.poll(POLL)) {
                    table.apply(record.key(), record.value());
                }
                // A round trip to the brokers each time: a cached answer would keep grants counting after
                // the brokers became unreachable.
                Map<TopicPartition, Long> end = reading.endOffsets(assigned, BROKER_TIMEOUT);
                if (end.entrySet().stream().allMatch(e -> reading.position(e.getKey(), BROKER_TIMEOUT) >= e.getValue())) {
                    boolean first = !table.everReadToEnd();
                    table.readToEnd(Instant.now());
                    if (first || failing) {
                        LOG.infof("break-glass grants read from %s to its end; they count here", topic());
                        failing = false;
                        retryDelay = FIRST_RETRY;
                    }
                }
            }
        } finally {
            consumer = null;
        }
    }

    /** Returns false when interrupted (stopping). */
    private static boolean sleep(Duration duration) {
        try {
            Thread.sleep(duration);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
