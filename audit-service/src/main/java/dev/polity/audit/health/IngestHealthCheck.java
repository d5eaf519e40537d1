package dev.polity.audit.health;

import dev.polity.audit.ingest.IngestRejections;
import dev.polity.contracts.Topics;
import io.smallrye.health.api.Wellness;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;

/**
 * DOWN once any record of {@code polity.audit.events} has been sent to the dead-letter topic since this
 * instance started, with the count and the latest reason, so that a rejected audit record is noticed.
 * A wellness check ({@code /q/health/well}, included in {@code /q/health}), not a readiness or liveness
 * one: the log itself keeps working, and one bad record must not take the query API out of service
 * or restart the pod. Alert on it, or on {@code polity_audit_events_rejected_total}.
 */
@Wellness
@ApplicationScoped
public class IngestHealthCheck implements HealthCheck {

    private static final String NAME = "audit-ingest";

    private final IngestRejections rejections;

    IngestHealthCheck(IngestRejections rejections) {
        this.rejections = rejections;
    }

    @Override
    public HealthCheckResponse call() {
        long rejected = rejections.count();
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(rejected == 0)
                .withData("rejected_events", rejected)
                .withData("dead_letter_topic", Topics.AUDIT_EVENTS_DEAD_LETTER);
        IngestRejections.Rejection last = rejections.last();
        if (last != null) {
            response.withData("last_rejection_reason", last.reason())
                    .withData("last_rejection_detail", last.detail())
                    .withData("last_rejection_record", last.topic() + "-" + last.partition() + "@" + last.offset())
                    .withData("last_rejection_at", last.at().toString());
        }
        return response.build();
    }
}
