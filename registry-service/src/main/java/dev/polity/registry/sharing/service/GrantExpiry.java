package dev.polity.registry.sharing.service;

import dev.polity.registry.outbox.OutboxRelay;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Audits grants that reached their expiry ({@code polity.access.expired}). A grant stops being valid at its
 * {@code expires_at} whether or not this ran; this only makes the end visible in the audit log.
 */
@ApplicationScoped
public class GrantExpiry {

    private final AccessService access;
    private final OutboxRelay relay;

    GrantExpiry(AccessService access, OutboxRelay relay) {
        this.access = access;
        this.relay = relay;
    }

    @Scheduled(identity = "grant-expiry", every = "${polity.registry.grants.expiry-check-interval:1m}", delayed = "10s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP,
            skipExecutionIf = Scheduled.ApplicationNotRunning.class)
    Uni<Void> onSchedule() {
        return recordExpired().replaceWithVoid();
    }

    /** One pass; the number of grants whose expiry was recorded. */
    public Uni<Integer> recordExpired() {
        return access.recordExpiredGrants().invoke(count -> {
            if (count > 0) {
                relay.relaySoon();
            }
        });
    }
}
