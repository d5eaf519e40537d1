package dev.polity.registry.outbox;

import dev.polity.registry.config.RegistryConfig;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;

/** Keeps the outbox small: deletes relayed events older than {@code polity.registry.outbox.retention}. */
@ApplicationScoped
public class OutboxJanitor {

    private static final Logger LOG = Logger.getLogger(OutboxJanitor.class);

    private final OutboxRepository outbox;
    private final RegistryConfig config;

    OutboxJanitor(OutboxRepository outbox, RegistryConfig config) {
        this.outbox = outbox;
        this.config = config;
    }

    @Scheduled(identity = "outbox-janitor", every = "1h", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> deleteRelayedEvents() {
        Instant cutoff = Instant.now().minus(config.outbox().retention());
        return Panache.withTransaction(() -> outbox.deleteSentBefore(cutoff))
                .invoke(deleted -> {
                    if (deleted > 0) {
                        LOG.infof("deleted %d relayed outbox event(s) older than %s", deleted, cutoff);
                    }
                })
                .replaceWithVoid();
    }
}
