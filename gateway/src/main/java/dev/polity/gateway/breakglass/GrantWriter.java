package dev.polity.gateway.breakglass;

import dev.polity.support.security.breakglass.BreakGlassGrant;
import dev.polity.support.security.breakglass.GrantStore;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The gateway's write side of the break-glass grant topic: a new grant (key: its id, value: its JSON) and
 * its end (a tombstone). Every service, this gateway included, reads the topic through service-support's
 * {@link GrantStore}; a write acknowledged by Kafka is handed to this replica's store at once.
 *
 * <p>Creates the topic ({@code cleanup.policy=compact}) when it is missing and the Kafka user may; in a
 * cluster where it may not, the Topic Operator creates it. Readers never create it.
 */
@ApplicationScoped
@Startup
public class GrantWriter {

    private static final Logger LOG = Logger.getLogger(GrantWriter.class);
    private static final Duration FIRST_RETRY = Duration.ofMillis(500);
    private static final Duration LAST_RETRY = Duration.ofSeconds(30);

    private final GrantStore store;
    private volatile KafkaProducer<String, String> producer;
    private volatile boolean running = true;
    private Thread topicCreator;

    public GrantWriter(GrantStore store) {
        this.store = store;
    }

    @PostConstruct
    void start() {
        Properties settings = store.kafkaClientConfig();
        settings.put(ProducerConfig.ACKS_CONFIG, "all");
        settings.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // A grant request waits for the acknowledgement: fail fast (503) when Kafka is away instead of hanging.
        settings.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        settings.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        settings.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "8000");
        settings.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        settings.put(ProducerConfig.CLIENT_ID_CONFIG, "polity-gateway-break-glass");
        producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer());
        topicCreator = Thread.ofVirtual().name("break-glass-topic-creator").start(this::createTopicUntilItExists);
    }

    @PreDestroy
    void stop() {
        running = false;
        if (topicCreator != null) {
            topicCreator.interrupt();
        }
        if (producer != null) {
            producer.close(Duration.ofSeconds(2));
        }
    }

    /** Stores a new grant; completes when Kafka acknowledged it. */
    public Uni<Void> save(BreakGlassGrant grant) {
        return send(grant.id(), grant.toJson()).invoke(() -> store.recordWritten(grant.id(), grant));
    }

    /** Ends a grant (a tombstone); completes when Kafka acknowledged it. */
    public Uni<Void> remove(String grantId) {
        return send(grantId, null).invoke(() -> store.recordWritten(grantId, null));
    }

    private Uni<Void> send(String key, String value) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        try {
            producer.send(new ProducerRecord<>(store.topic(), key, value), (metadata, failure) -> {
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

    private void createTopicUntilItExists() {
        Duration retryDelay = FIRST_RETRY;
        boolean warned = false;
        while (running) {
            try {
                createTopicIfMissing();
                return;
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                if (!warned) {
                    LOG.warnf("cannot make sure the break-glass topic %s exists (%s); retrying", store.topic(), e.getMessage());
                    warned = true;
                }
            }
            try {
                Thread.sleep(retryDelay);
            } catch (InterruptedException e) {
                return;
            }
            Duration doubled = retryDelay.multipliedBy(2);
            retryDelay = doubled.compareTo(LAST_RETRY) > 0 ? LAST_RETRY : doubled;
        }
    }

    private void createTopicIfMissing() {
        String topic = store.topic();
        Properties settings = store.kafkaClientConfig();
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        try (Admin admin = Admin.create(settings)) {
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
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within 10 s", e);
        }
    }
}
