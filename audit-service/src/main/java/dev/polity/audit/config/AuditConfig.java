package dev.polity.audit.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.time.Period;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Settings of the audit log, keys {@code polity.audit.*}. */
@ConfigMapping(prefix = "polity.audit")
public interface AuditConfig {

    /**
     * The log's identity: the origin line of every checkpoint and the key of its records on
     * {@code polity.audit.checkpoints}. Never change it for an existing log.
     */
    @WithDefault("polity-audit")
    String logId();

    /** Reading the log over HTTP. */
    Query query();

    /** Consuming {@code polity.audit.events}. */
    Ingest ingest();

    /** Signed checkpoints of the Merkle tree. */
    Checkpoint checkpoint();

    /** How long event payloads are kept, by event type. */
    Retention retention();

    /** Who sees which events. */
    Access access();

    /** Self-verification of the log. */
    Verification verification();

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
         * The consumer retries the same records, doubling the wait up to {@code retry-max-backoff}, and
         * commits nothing past them meanwhile: the log never skips an event.
         */
        @WithDefault("200ms")
        Duration retryInitialBackoff();

        /** Longest wait between two attempts to store the same events. */
        @WithDefault("30s")
        Duration retryMaxBackoff();

        /**
         * Event types whose data must carry hashes of the model's input and output and nothing raw
         * ({@code input_sha256}, {@code output_sha256}); others are refused to the dead-letter topic. Patterns
         * are exact types or prefixes ending in {@code *}.
         */
        @WithDefault("polity.inference.*")
        List<String> hashOnlyTypes();
    }

    interface Checkpoint {
        /**
         * Sign a checkpoint once this many events were appended since the last one, before the interval is up. A
         * burst bound, not the usual cadence: checkpoints are kept forever and each is checked against the stored
         * tree and the previous one, so their number should follow time, not traffic.
         */
        @WithDefault("10000")
        int maxEvents();

        /** Sign a checkpoint at least this often while the log grows. */
        @WithDefault("10s")
        Duration interval();

        /**
         * Private checkpoint signing key: base64 of its PKCS#8 encoding (the body of a {@code BEGIN PRIVATE KEY}
         * PEM). No default on purpose: set {@code POLITY_AUDIT_CHECKPOINT_SIGNING_PRIVATE_KEY}.
         */
        String signingPrivateKey();

        /**
         * The matching public key: base64 of its X.509 SubjectPublicKeyInfo encoding, what auditors use to verify.
         * Set {@code POLITY_AUDIT_CHECKPOINT_SIGNING_PUBLIC_KEY}.
         */
        String signingPublicKey();

        /**
         * Public keys that signed earlier checkpoints of this log (base64 X.509), kept verifiable after a key
         * rotation.
         */
        Optional<List<String>> previousPublicKeys();
    }

    interface Retention {
        /**
         * Retention classes by name, each a {@code period} (ISO 8601, e.g. {@code P7Y}) and the event
         * {@code types} it covers (exact types or prefixes ending in {@code *}; the longest matching pattern wins).
         * Defaults in {@code application.properties}: deployment and approval records and policy decisions 7
         * years, configuration changes 5 years, data access 2 years, errors 1 year, inference records 6 months.
         */
        Map<String, RetentionClass> classes();

        /** The class of event types no class names. */
        @WithDefault("other")
        String defaultClass();

        /** How often expired payload partitions are dropped. */
        @WithDefault("1h")
        Duration purgeInterval();

        interface RetentionClass {
            /** How long payloads of this class are kept after the log received them (at least). */
            Period period();

            /** Event types of this class: exact types or prefixes ending in {@code *}. */
            Optional<List<String>> types();
        }
    }

    interface Access {
        /**
         * Organisations whose callers read the whole log rather than only their own organisation's events
         * (e.g. the central authority's own auditors). Everyone else is held to the organisation of their token.
         */
        Optional<List<String>> logWideOrganizations();
    }

    interface Verification {
        /** How often the service verifies the whole log against its signed checkpoints by itself. */
        @WithDefault("1h")
        Duration interval();

        /** Rows read per database round trip while verifying or exporting. */
        @WithDefault("1000")
        int pageSize();
    }
}
