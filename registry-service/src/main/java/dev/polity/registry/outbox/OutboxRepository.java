package dev.polity.registry.outbox;

import dev.polity.contracts.events.CloudEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.List;

@ApplicationScoped
public class OutboxRepository implements PanacheRepository<OutboxEventEntity> {

    /** Queues an event; call inside the transaction that makes the change the event describes. */
    public Uni<OutboxEventEntity> enqueue(CloudEvent event, Instant now) {
        return persist(OutboxEventEntity.pending(event, now));
    }

    /** The oldest events not yet acknowledged by Kafka, in the order they were written. */
    public Uni<List<OutboxEventEntity>> findPending(int limit) {
        return find("sentAt is null", Sort.ascending("id")).page(0, limit).list();
    }

    public Uni<Integer> markSent(List<Long> ids, Instant sentAt) {
        return update("sentAt = ?1, attempts = attempts + 1 where id in ?2", sentAt, ids);
    }

    public Uni<Integer> recordFailedAttempt(List<Long> ids, String error) {
        return update("attempts = attempts + 1, lastError = ?1 where id in ?2", error, ids);
    }

    /** Deletes events Kafka acknowledged before {@code cutoff}; never touches pending ones. */
    public Uni<Long> deleteSentBefore(Instant cutoff) {
        return delete("sentAt is not null and sentAt < ?1", cutoff);
    }
}
