package dev.polity.contracts;

import java.util.List;
import java.util.Map;

/** Names and settings of every Kafka topic in a Polity federation (see DESIGN.md, "Kafka topics"). */
public final class Topics {

    /** Federation membership, keyed by organisation id. Compacted. */
    public static final String FEDERATION_ORGANIZATIONS = "polity.federation.organizations";
    /** Records of {@link #FEDERATION_ORGANIZATIONS} a consumer (the registry) could not apply; kept for inspection. */
    public static final String FEDERATION_ORGANIZATIONS_DEAD_LETTER = "polity.federation.organizations.dlq";
    /** The latest signed bundle for each organisation, keyed by organisation id. Compacted. */
    public static final String POLICY_BUNDLES = "polity.policy.bundles";
    /** Each policy node's active bundle revision and last error, keyed by node id. Compacted. */
    public static final String POLICY_STATUS = "polity.policy.status";
    /** Every governance event as a binary-mode CloudEvent, keyed by subject. Long retention. */
    public static final String AUDIT_EVENTS = "polity.audit.events";
    /** Records of {@link #AUDIT_EVENTS} that could not be processed; never silently skipped. */
    public static final String AUDIT_EVENTS_DEAD_LETTER = "polity.audit.events.dlq";
    /** Signed checkpoints of the audit log, keyed by log id. Compacted. */
    public static final String AUDIT_CHECKPOINTS = "polity.audit.checkpoints";

    /** Active break-glass grants shared by the gateway replicas, keyed by grant id; a tombstone ends one. Compacted. */
    public static final String GATEWAY_BREAK_GLASS = "polity.gateway.break-glass";

    private static final Map<String, String> COMPACTED = Map.of("cleanup.policy", "compact");
    /** Ten years: audit evidence outlives most regulatory retention periods (7 years is common). */
    private static final Map<String, String> LONG_RETENTION =
            Map.of("cleanup.policy", "delete", "retention.ms", String.valueOf(10L * 365 * 24 * 3600 * 1000));

    public static final List<TopicSpec> ALL = List.of(
            new TopicSpec(FEDERATION_ORGANIZATIONS, 1, COMPACTED),
            new TopicSpec(FEDERATION_ORGANIZATIONS_DEAD_LETTER, 1, LONG_RETENTION),
            new TopicSpec(POLICY_BUNDLES, 3, COMPACTED),
            new TopicSpec(POLICY_STATUS, 1, COMPACTED),
            new TopicSpec(AUDIT_EVENTS, 3, LONG_RETENTION),
            new TopicSpec(AUDIT_EVENTS_DEAD_LETTER, 1, LONG_RETENTION),
            new TopicSpec(AUDIT_CHECKPOINTS, 1, COMPACTED),
            new TopicSpec(GATEWAY_BREAK_GLASS, 1, COMPACTED));

    private Topics() {
    }
}
