package dev.polity.sync.distribution.service;

import dev.polity.contracts.bundle.BundleManifest;
import dev.polity.sync.bundle.service.BundleService;
import dev.polity.sync.common.Outcome;
import dev.polity.sync.distribution.repository.BundlePublicationEntity;
import dev.polity.sync.distribution.repository.BundlePublicationRepository;
import dev.polity.sync.distribution.repository.QueuedPublication;
import dev.polity.sync.federation.service.EffectiveSettings;
import dev.polity.sync.federation.service.FederationSettingsService;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Publishes the bundles the outbox ({@code bundle_publications}) asks for: at once when a change
 * commits ({@link #kick()}), and every {@code polity.distribution.retry-check-interval} for due
 * retries. One drain runs at a time per instance. The due rows (up to 100) are published together
 * in one transaction ({@link BundleService#publishQueued}); if that fails, each organisation is
 * published in a transaction of its own, up to eight side by side, so that one organisation whose
 * bundle cannot be built or sent does not hold up the others. A failed publication is retried with
 * exponential backoff ({@code retry_policy}); after {@code max_retries} it is marked failed and
 * shown in the federation status. Builds for one organisation are serialised by its row lock
 * across instances.
 */
@ApplicationScoped
public class PublicationWorker {

    private static final Logger LOG = Logger.getLogger(PublicationWorker.class);
    /** Due rows published together in one transaction; a change that affects more takes several rounds. */
    private static final int BATCH = 100;
    /** After a failed batch: organisations published side by side, each in its own transaction. */
    private static final int CONCURRENCY = 8;

    private final Vertx vertx;
    private final BundlePublicationRepository publications;
    private final BundleService bundles;
    private final FederationSettingsService settings;
    private final BundleNotifier notifier;
    private final Counter retries;
    private final Counter failures;
    private final Timer delay;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicBoolean again = new AtomicBoolean();
    private volatile boolean stopped;

    public PublicationWorker(Vertx vertx, BundlePublicationRepository publications, BundleService bundles,
                             FederationSettingsService settings, BundleNotifier notifier, MeterRegistry registry) {
        this.vertx = vertx;
        this.publications = publications;
        this.bundles = bundles;
        this.settings = settings;
        this.notifier = notifier;
        this.retries = Counter.builder("polity.bundles.publication.retries")
                .description("Bundle publications that failed and were scheduled again").register(registry);
        this.failures = Counter.builder("polity.bundles.publication.failures")
                .description("Bundle publications that exhausted their retries").register(registry);
        this.delay = Timer.builder("polity.bundles.publication.delay")
                .description("Time from a change asking for a bundle to that bundle's publication being acknowledged")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    void onStart(@Observes StartupEvent event) {
        kick();
    }

    void onStop(@Observes ShutdownEvent event) {
        stopped = true;
    }

    @Scheduled(every = "${polity.distribution.retry-check-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void retryDue() {
        kick();
    }

    /** Publishes whatever is due, now, on a fresh Vert.x context. Call after the requesting transaction committed. */
    public void kick() {
        if (stopped) {
            return;
        }
        if (!running.compareAndSet(false, true)) {
            again.set(true);
            return;
        }
        Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        VertxContextSafetyToggle.setContextSafe(context, true);
        context.runOnContext(ignored -> drain().subscribe().with(
                done -> finish(),
                failure -> {
                    LOG.warnf(failure, "bundle publication drain failed");
                    finish();
                }));
    }

    private void finish() {
        running.set(false);
        if (again.getAndSet(false)) {
            kick();
        }
    }

    private Uni<Void> drain() {
        return Panache.withSession(() -> settings.current()
                        .flatMap(current -> publications.due(Instant.now(), BATCH)
                                .map(due -> new Work(current, due.stream().map(Due::of).toList()))))
                .flatMap(work -> publish(work.due(), work.settings()).replaceWith(work.due().size()))
                .flatMap(count -> count >= BATCH ? drain() : Uni.createFrom().voidItem());
    }

    /**
     * Publishes the due bundles in one transaction: one lock statement, a few queries, all Kafka
     * sends in parallel, one commit. If that fails (one organisation's bundle cannot be built, a
     * send failed, a lock timed out), publishes them one organisation per transaction, which
     * publishes the others and records the failing ones for a retry.
     */
    private Uni<Void> publish(List<Due> due, EffectiveSettings current) {
        if (due.size() <= 1) {
            return publishEach(due, current);
        }
        return onFreshContext(() -> bundles.publishQueued(due.stream().map(Due::queued).toList()))
                .invoke(outcomes -> {
                    due.forEach(row -> published(row, outcomes.get(row.organizationId())));
                    LOG.debugf("published the bundles of %d organisations in one transaction, %d of them new revisions",
                            due.size(), outcomes.values().stream().filter(outcome -> outcome.created()).count());
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> {
                    LOG.warnf("publishing %d bundles in one transaction failed, publishing them one by one: %s",
                            due.size(), message(failure));
                    return publishEach(due, current);
                });
    }

    /** One transaction per organisation, up to eight side by side: each locks only its own row. */
    private Uni<Void> publishEach(List<Due> due, EffectiveSettings current) {
        return Multi.createFrom().iterable(due)
                .onItem().transformToUni(row -> onFreshContext(() -> publishOne(row, current)))
                .merge(CONCURRENCY)
                .collect().asList()
                .replaceWithVoid();
    }

    /**
     * Runs {@code work} on a new duplicated Vert.x context, so that concurrent publications each get
     * their own Hibernate Reactive session.
     */
    private <T> Uni<T> onFreshContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context context = VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(ignored -> work.get().subscribe().with(emitter::complete, emitter::fail));
        });
    }

    private Uni<Void> publishOne(Due row, EffectiveSettings current) {
        return bundles.publishQueued(List.of(row.queued()))
                .invoke(outcomes -> published(row, outcomes.get(row.organizationId())))
                .replaceWithVoid()
                .onFailure().recoverWithUni(failure -> recordFailure(row, current, failure));
    }

    /** After the publishing transaction committed. */
    private void published(Due row, Outcome<BundleManifest> outcome) {
        if (outcome != null && outcome.created()) {
            notifier.published(row.organizationId());
            delay.record(Duration.between(row.requestedAt(), Instant.now()));
        }
    }

    private Uni<Void> recordFailure(Due row, EffectiveSettings current, Throwable failure) {
        String organizationId = row.organizationId();
        int attempt = row.attempts() + 1;
        boolean exhausted = attempt > current.maxRetries();
        Instant next = Instant.now().plus(current.backoff(attempt)).truncatedTo(ChronoUnit.MILLIS);
        String message = message(failure);
        if (exhausted) {
            failures.increment();
            LOG.errorf("publishing the bundle of %s failed %d times, giving up until the next change: %s",
                    organizationId, attempt, message);
        } else {
            retries.increment();
            LOG.warnf("publishing the bundle of %s failed (attempt %d), retrying at %s: %s",
                    organizationId, attempt, next, message);
        }
        return Panache.withTransaction(() -> publications.recordFailure(organizationId, row.generation(), attempt,
                        next, exhausted, message))
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf(e, "cannot record the failed publication of %s", organizationId);
                    return null;
                });
    }

    private static String message(Throwable failure) {
        return failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    }

    private record Work(EffectiveSettings settings, List<Due> due) {
    }

    /** A due outbox row, copied out of the session that read it. */
    private record Due(String organizationId, long generation, int attempts, Instant requestedAt) {

        static Due of(BundlePublicationEntity row) {
            return new Due(row.organizationId, row.generation, row.attempts, row.requestedAt);
        }

        QueuedPublication queued() {
            return new QueuedPublication(organizationId, generation);
        }
    }
}
