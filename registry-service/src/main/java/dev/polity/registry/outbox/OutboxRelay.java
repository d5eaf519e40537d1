package dev.polity.registry.outbox;

import dev.polity.registry.config.RegistryConfig;
import dev.polity.support.events.CloudEventMessages;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends pending outbox events to {@code polity.audit.events} and marks them sent only once Kafka has
 * acknowledged them ({@code acks=all}). Runs on a schedule and right after each registration commits.
 * If Kafka is unreachable the events stay pending and the next pass sends them again with the same
 * event id, so the audit log sees at-least-once delivery and deduplicates.
 *
 * <p>One pass at a time per instance. Two instances may send the same pending event; that is harmless
 * for the same reason.
 */
@ApplicationScoped
public class OutboxRelay {

    private static final Logger LOG = Logger.getLogger(OutboxRelay.class);

    private final OutboxRepository outbox;
    private final MutinyEmitter<byte[]> emitter;
    private final RegistryConfig config;
    private final Vertx vertx;
    private final Counter relayed;
    private final Counter failed;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean requestedWhileRunning = new AtomicBoolean();

    OutboxRelay(OutboxRepository outbox,
                @Channel(RegistryChannels.AUDIT_EVENTS) MutinyEmitter<byte[]> emitter,
                RegistryConfig config,
                Vertx vertx,
                MeterRegistry meters) {
        this.outbox = outbox;
        this.emitter = emitter;
        this.config = config;
        this.vertx = vertx;
        this.relayed = Counter.builder("polity.registry.outbox.relayed")
                .description("Outbox events acknowledged by Kafka").register(meters);
        this.failed = Counter.builder("polity.registry.outbox.send.failures")
                .description("Outbox event sends that failed and will be retried").register(meters);
    }

    @Scheduled(identity = "outbox-relay", every = "${polity.registry.outbox.relay-interval:1s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            // The audit-events emitter is only connected once start-up completes.
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> relayOnSchedule() {
        return relayPending().replaceWithVoid();
    }

    /**
     * Starts a relay pass on a fresh Vert.x context and returns at once; used right after a commit so
     * that events reach Kafka without waiting for the next scheduled pass.
     */
    public void relaySoon() {
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> relayPending().subscribe().with(
                sent -> { },
                failure -> LOG.warnf("outbox relay failed, events stay pending: %s", failure.toString())));
    }

    /** One relay pass over up to {@code batch-size} pending events; the number acknowledged. */
    public Uni<Integer> relayPending() {
        if (!running.compareAndSet(false, true)) {
            requestedWhileRunning.set(true);
            return Uni.createFrom().item(0);
        }
        return Panache.withSession(() -> outbox.findPending(config.outbox().batchSize()))
                .chain(this::sendAll)
                .eventually(() -> {
                    running.set(false);
                    if (requestedWhileRunning.getAndSet(false)) {
                        relaySoon();
                    }
                });
    }

    private Uni<Integer> sendAll(List<OutboxEventEntity> pending) {
        if (pending.isEmpty()) {
            return Uni.createFrom().item(0);
        }
        // Uni.join subscribes in list order, so the events reach the producer in outbox order; the
        // idempotent producer keeps that order per partition while several are in flight.
        List<Uni<SendResult>> sends = new ArrayList<>(pending.size());
        for (OutboxEventEntity event : pending) {
            sends.add(emitter.sendMessage(CloudEventMessages.toKafkaMessage(event.toCloudEvent()))
                    .ifNoItem().after(config.outbox().sendTimeout()).fail()
                    .map(ignored -> new SendResult(event.id, null))
                    .onFailure().recoverWithItem(failure -> new SendResult(event.id, failure)));
        }
        return Uni.join().all(sends).andFailFast().chain(this::recordResults);
    }

    private Uni<Integer> recordResults(List<SendResult> results) {
        List<Long> sent = results.stream().filter(SendResult::succeeded).map(SendResult::outboxId).toList();
        List<SendResult> failures = results.stream().filter(result -> !result.succeeded()).toList();
        relayed.increment(sent.size());
        failed.increment(failures.size());
        if (!failures.isEmpty()) {
            LOG.warnf("%d outbox event(s) not acknowledged by Kafka, will retry: %s",
                    failures.size(), failures.get(0).failure().toString());
        }
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return Panache.withTransaction(() -> {
            Uni<Integer> marked = sent.isEmpty() ? Uni.createFrom().item(0) : outbox.markSent(sent, now);
            if (failures.isEmpty()) {
                return marked;
            }
            List<Long> failedIds = failures.stream().map(SendResult::outboxId).toList();
            String error = abbreviate(failures.get(0).failure().toString());
            return marked.call(() -> outbox.recordFailedAttempt(failedIds, error));
        }).replaceWith(sent.size());
    }

    private static String abbreviate(String text) {
        return text.length() <= 1000 ? text : text.substring(0, 1000);
    }

    private record SendResult(Long outboxId, Throwable failure) {
        boolean succeeded() {
            return failure == null;
        }
    }
}
