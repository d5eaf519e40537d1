package dev.polity.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the audit log, keys {@code polity.audit.*}. */
@ConfigMapping(prefix = "polity.audit")
public interface AuditConfig {

    /** Reading the log over HTTP. */
    Query query();

    /** Consuming {@code polity.audit.events}. */
    Ingest ingest();

    interface Query {
        /** Events per page when the client gives no {@code limit}. */
        @WithDefault("50")
        int defaultLimit();

        /** The largest {@code limit} a client may ask for; larger values are rejected with 400. */
        @WithDefault("500")
        int maxLimit();
    }

    interface Ingest {
        /**
         * First wait before retrying an event the database could not store (e.g. PostgreSQL down).
         * The consumer retries the same record, doubling the wait up to {@code retry-max-backoff}, and
         * commits nothing past it meanwhile: the log never skips an event.
         */
        @WithDefault("200ms")
        Duration retryInitialBackoff();

        /** Longest wait between two attempts to store the same event. */
        @WithDefault("30s")
        Duration retryMaxBackoff();
    }
}
