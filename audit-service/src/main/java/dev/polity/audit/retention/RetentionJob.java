package dev.polity.audit.retention;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;

/**
 * Drops expired payload partitions every {@code polity.audit.retention.purge-interval}. The events, their data
 * hashes and leaf hashes stay: every proof still verifies, and the API shows an expired payload as such.
 */
@ApplicationScoped
public class RetentionJob {

    private static final Logger LOG = Logger.getLogger(RetentionJob.class);

    private final PayloadPartitions partitions;
    private final Counter dropped;

    RetentionJob(PayloadPartitions partitions, MeterRegistry meters) {
        this.partitions = partitions;
        this.dropped = Counter.builder("polity.audit.payload.partitions.dropped")
                .description("Payload partitions dropped because every payload in them had expired")
                .register(meters);
    }

    @Scheduled(every = "${polity.audit.retention.purge-interval}", delayed = "30s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> scheduledPurge() {
        return purge(Instant.now()).replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("retention purge failed, will retry: %s", failure.toString());
                    return null;
                });
    }

    /** Drops the partitions whose payloads have all expired by {@code now}. */
    public Uni<List<String>> purge(Instant now) {
        return partitions.dropExpired(now).invoke(names -> {
            if (!names.isEmpty()) {
                dropped.increment(names.size());
                LOG.infof("retention dropped expired payload partitions %s", names);
            }
        });
    }
}
