package dev.polity.sync.status.service;

import dev.polity.sync.messaging.SyncChannels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Reads {@code polity.policy.status}. A report is acknowledged (its offset committed) only after it
 * is stored; a report that cannot be read is logged and counted
 * ({@code polity_status_reports_rejected_total}), never silently dropped; a storage failure nacks
 * it, so the consumer retries from there.
 */
@ApplicationScoped
public class NodeStatusConsumer {

    private static final Logger LOG = Logger.getLogger(NodeStatusConsumer.class);

    private final NodeStatusService statuses;
    private final Counter rejected;
    private final Counter received;

    public NodeStatusConsumer(NodeStatusService statuses, MeterRegistry registry) {
        this.statuses = statuses;
        this.rejected = Counter.builder("polity.status.reports.rejected")
                .description("Status reports on polity.policy.status that could not be read").register(registry);
        this.received = Counter.builder("polity.status.reports")
                .description("Status reports stored from polity.policy.status").register(registry);
    }

    @Incoming(SyncChannels.POLICY_STATUS)
    public Uni<Void> consume(Message<String> message) {
        String key = message.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(metadata -> metadata.getKey() == null ? null : metadata.getKey().toString()).orElse(null);
        NodeStatusService.Report report;
        try {
            report = NodeStatusService.Report.parse(key, message.getPayload());
        } catch (IllegalArgumentException e) {
            rejected.increment();
            LOG.errorf("unreadable status report (key %s) on polity.policy.status: %s", key, e.getMessage());
            return Uni.createFrom().completionStage(message.ack());
        }
        return statuses.record(report)
                .onFailure().retry().withBackOff(java.time.Duration.ofMillis(200), java.time.Duration.ofSeconds(5)).atMost(8)
                .invoke(() -> received.increment())
                .flatMap(ignored -> Uni.createFrom().completionStage(message.ack()))
                .onFailure().recoverWithUni(e -> {
                    LOG.warnf(e, "cannot store the status of node %s", report.nodeId());
                    return Uni.createFrom().completionStage(message.nack(e));
                });
    }
}
