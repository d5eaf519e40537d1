package dev.polity.policy.decision.service;

import dev.polity.contracts.events.CloudEvent;
import dev.polity.policy.bundle.NodeChannels;
import dev.polity.policy.config.NodeConfig;
import dev.polity.support.events.CloudEventMessages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Makes sure every decision reaches {@code polity.audit.events}: a decision is returned only
 * after Kafka acknowledged its event (acks=all) or after the event was written durably to the
 * local spool, which is replayed, in order, as soon as Kafka takes events again. A replayed event
 * keeps its id, so the audit log's deduplication on source + id absorbs a replay of an event that
 * Kafka had in fact received just before a crash.
 *
 * <p>Decision records go to the channel's own Kafka producer directly from the thread that decided (an
 * event loop), and the acknowledgement is handed back to that thread's Vert.x context. The connector's
 * emitter would first hand each record to its single sending thread and then back: a thread hop and
 * its wake-up per decision on top of the producer's own I/O thread (bench/decision-throughput, session 8).
 * {@code KafkaProducer.send} does not block once the topic's metadata is known and its buffer has room,
 * so the direct path is taken only when both hold: after Kafka has acknowledged a record (metadata
 * known) and while fewer than {@value #DIRECT_IN_FLIGHT_LIMIT} direct records await their
 * acknowledgement (at most a few MB of the producer's 32 MB buffer). Otherwise, and for the first
 * records after start, the emitter takes them, on its sending thread, where blocking is harmless.
 */
@Startup // wired with the messaging channels at start, before the first scheduled replay
@ApplicationScoped
public class DecisionAuditLog {

    private static final Logger LOG = Logger.getLogger(DecisionAuditLog.class);
    /** A replay waits this long for Kafka's ack before giving up until the next round. */
    private static final Duration REPLAY_ACK_TIMEOUT = Duration.ofSeconds(10);

    /** Direct records awaiting Kafka's acknowledgement above which new ones go through the emitter. */
    static final int DIRECT_IN_FLIGHT_LIMIT = 1_000;

    private final MutinyEmitter<byte[]> emitter;
    private final KafkaClientService kafka;
    private final String topic;
    /** The channel's producer once Kafka has acknowledged a record through it (so its metadata is known); else null. */
    private volatile Producer<String, byte[]> direct;
    private final AtomicInteger directInFlight = new AtomicInteger();
    private final DecisionSpool spool;
    /** False after a send failed: new events go straight to the spool until a replay succeeds. */
    private final AtomicBoolean kafkaTakesEvents = new AtomicBoolean(true);
    /** Events in the spool; kept in memory so the hot path does not list a directory per decision. */
    private final AtomicInteger backlog;
    private final Counter spooled;
    private final Counter replayed;
    private final Counter sentDirectly;

    public DecisionAuditLog(@Channel(NodeChannels.AUDIT_EVENTS) MutinyEmitter<byte[]> emitter, KafkaClientService kafka,
                            @ConfigProperty(name = "mp.messaging.outgoing." + NodeChannels.AUDIT_EVENTS + ".topic") String topic,
                            NodeConfig config, MeterRegistry meters) {
        this.emitter = emitter;
        this.kafka = kafka;
        this.topic = topic;
        this.spool = new DecisionSpool(config.stateDirectory().resolve("decision-spool"));
        this.spooled = meters.counter("polity_node_decisions_spooled_total");
        this.replayed = meters.counter("polity_node_decisions_replayed_total");
        this.sentDirectly = Counter.builder("polity_node_audit_records_sent_directly_total")
                .description("Decision records handed to the Kafka producer on the deciding event loop and acknowledged")
                .register(meters);
        this.backlog = new AtomicInteger(spool.size());
        meters.gauge("polity_node_decision_spool_size", backlog);
    }

    /** Completes once the event is in Kafka or durably in the spool; fails only if neither worked. */
    public Uni<Void> record(CloudEvent event) {
        if (!kafkaTakesEvents.get() || backlog.get() > 0) {
            // Keep the order: while older events wait in the spool, newer ones queue behind them.
            return spoolInWorker(event);
        }
        return send(event)
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Kafka did not take decision %s (%s); spooling it", event.id(), failure.getMessage());
                    kafkaTakesEvents.set(false);
                    return spoolInWorker(event);
                });
    }

    /** Sends to Kafka and completes on Kafka's acknowledgement (acks=all), on the caller's Vert.x context if it has one. */
    private Uni<Void> send(CloudEvent event) {
        Producer<String, byte[]> producer = direct;
        Context context = Vertx.currentContext();
        if (producer == null || context == null || directInFlight.get() >= DIRECT_IN_FLIGHT_LIMIT) {
            return emitter.sendMessage(CloudEventMessages.toKafkaMessage(event)).invoke(this::enableDirectSends);
        }
        return Uni.createFrom().emitter(acknowledged -> {
            directInFlight.incrementAndGet();
            try {
                producer.send(CloudEventMessages.toProducerRecord(topic, event), (metadata, failure) -> {
                    directInFlight.decrementAndGet();
                    context.runOnContext(ignored -> {
                        if (failure == null) {
                            sentDirectly.increment();
                            acknowledged.complete(null);
                        } else {
                            acknowledged.fail(failure);
                        }
                    });
                });
            } catch (RuntimeException e) { // a closed producer, a record it refuses
                directInFlight.decrementAndGet();
                acknowledged.fail(e);
            }
        });
    }

    /**
     * After an acknowledgement through the emitter, the producer knows the topic's metadata: send directly. Never
     * fails the acknowledged send: without the channel's producer the emitter simply keeps sending.
     */
    private void enableDirectSends() {
        if (direct != null) {
            return;
        }
        try {
            KafkaProducer<String, byte[]> channelProducer = kafka.getProducer(NodeChannels.AUDIT_EVENTS);
            Producer<String, byte[]> producer = channelProducer == null ? null : channelProducer.unwrap();
            if (producer != null) {
                direct = producer;
            }
        } catch (RuntimeException e) {
            LOG.debugf("the audit channel's producer is not available for direct sends: %s", e.toString());
        }
    }

    private Uni<Void> spoolInWorker(CloudEvent event) {
        return Uni.createFrom().item(() -> {
                    spool.write(event);
                    backlog.incrementAndGet();
                    spooled.increment();
                    return (Void) null;
                })
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
    }

    /** Replays the spool oldest first; stops at the first event Kafka does not take. */
    @Scheduled(every = "${polity.node.spool-replay-interval:1s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class) // channels are wired only once the app runs
    void replay() {
        for (Path file : spool.pending()) {
            CloudEvent event = spool.read(file);
            try {
                emitter.sendMessage(CloudEventMessages.toKafkaMessage(event)).await().atMost(REPLAY_ACK_TIMEOUT);
            } catch (RuntimeException e) {
                kafkaTakesEvents.set(false);
                LOG.debugf("replay of %s failed: %s", event.id(), e.getMessage());
                return;
            }
            spool.remove(file);
            backlog.decrementAndGet();
            replayed.increment();
        }
        if (kafkaTakesEvents.compareAndSet(false, true)) {
            LOG.info("Kafka takes audit events again; the decision spool is empty");
        }
    }

    public int spooledEvents() {
        return backlog.get();
    }
}
