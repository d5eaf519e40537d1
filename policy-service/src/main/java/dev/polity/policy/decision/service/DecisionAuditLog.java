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
import jakarta.enterprise.context.ApplicationScoped;
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
 */
@Startup // wired with the messaging channels at start, before the first scheduled replay
@ApplicationScoped
public class DecisionAuditLog {

    private static final Logger LOG = Logger.getLogger(DecisionAuditLog.class);
    /** A replay waits this long for Kafka's ack before giving up until the next round. */
    private static final Duration REPLAY_ACK_TIMEOUT = Duration.ofSeconds(10);

    private final MutinyEmitter<byte[]> emitter;
    private final DecisionSpool spool;
    /** False after a send failed: new events go straight to the spool until a replay succeeds. */
    private final AtomicBoolean kafkaTakesEvents = new AtomicBoolean(true);
    /** Events in the spool; kept in memory so the hot path does not list a directory per decision. */
    private final AtomicInteger backlog;
    private final Counter spooled;
    private final Counter replayed;

    public DecisionAuditLog(@Channel(NodeChannels.AUDIT_EVENTS) MutinyEmitter<byte[]> emitter, NodeConfig config,
                            MeterRegistry meters) {
        this.emitter = emitter;
        this.spool = new DecisionSpool(config.stateDirectory().resolve("decision-spool"));
        this.spooled = meters.counter("polity_node_decisions_spooled_total");
        this.replayed = meters.counter("polity_node_decisions_replayed_total");
        this.backlog = new AtomicInteger(spool.size());
        meters.gauge("polity_node_decision_spool_size", backlog);
    }

    /** Completes once the event is in Kafka or durably in the spool; fails only if neither worked. */
    public Uni<Void> record(CloudEvent event) {
        if (!kafkaTakesEvents.get() || backlog.get() > 0) {
            // Keep the order: while older events wait in the spool, newer ones queue behind them.
            return spoolInWorker(event);
        }
        return emitter.sendMessage(CloudEventMessages.toKafkaMessage(event))
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("Kafka did not take decision %s (%s); spooling it", event.id(), failure.getMessage());
                    kafkaTakesEvents.set(false);
                    return spoolInWorker(event);
                });
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
