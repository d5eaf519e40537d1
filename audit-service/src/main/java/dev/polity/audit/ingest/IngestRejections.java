package dev.polity.audit.ingest;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Records sent to the dead-letter topic instead of the log: counted in
 * {@code polity_audit_events_rejected_total} (tag {@code reason}) and reported by a health check.
 */
@Startup
@ApplicationScoped
public class IngestRejections {

    /** The record is not a valid binary-mode CloudEvent. */
    public static final String INVALID_CLOUD_EVENT = "invalid-cloudevent";
    /** PostgreSQL refused the event's values (e.g. a NUL character in a text attribute). */
    public static final String UNSTORABLE = "unstorable";
    /** An inference record carried raw inputs or outputs instead of their hashes. */
    public static final String RAW_INFERENCE_DATA = "raw-inference-data";

    private final MeterRegistry meters;
    private final AtomicLong count = new AtomicLong();
    private final AtomicReference<Rejection> last = new AtomicReference<>();

    IngestRejections(MeterRegistry meters) {
        this.meters = meters;
        // Registered up front so the series exists (at 0) before the first rejection.
        counter(INVALID_CLOUD_EVENT);
        counter(UNSTORABLE);
        counter(RAW_INFERENCE_DATA);
    }

    public void record(String reason, String detail, String topic, int partition, long offset) {
        counter(reason).increment();
        count.incrementAndGet();
        last.set(new Rejection(reason, detail, topic, partition, offset, Instant.now()));
    }

    /** Rejections since this instance started. */
    public long count() {
        return count.get();
    }

    /** The most recent rejection, or null. */
    public Rejection last() {
        return last.get();
    }

    private Counter counter(String reason) {
        return Counter.builder("polity.audit.events.rejected")
                .description("Records of polity.audit.events sent to the dead-letter topic instead of the audit log")
                .tag("reason", reason)
                .register(meters);
    }

    public record Rejection(String reason, String detail, String topic, int partition, long offset, Instant at) {
    }
}
