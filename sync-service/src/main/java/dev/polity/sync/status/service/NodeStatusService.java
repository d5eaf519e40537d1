package dev.polity.sync.status.service;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.json.Json;
import dev.polity.sync.bundle.repository.BundleRepository;
import dev.polity.sync.status.repository.NodeStatusEntity;
import dev.polity.sync.status.repository.NodeStatusRepository;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Stores every node's latest report from {@code polity.policy.status} and measures propagation
 * latency: from a revision's publication (the bundle's creation time) to its activation on the
 * node, recorded once per node and revision in the {@code polity.bundle.propagation} timer.
 */
@ApplicationScoped
public class NodeStatusService {

    private final NodeStatusRepository nodes;
    private final BundleRepository bundles;
    private final Timer propagation;

    public NodeStatusService(NodeStatusRepository nodes, BundleRepository bundles, MeterRegistry registry) {
        this.nodes = nodes;
        this.bundles = bundles;
        this.propagation = Timer.builder("polity.bundle.propagation")
                .description("Time from a bundle revision's publication to its activation on a policy node")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /** A status report as the node publishes it (snake_case JSON, see service-conventions.md). */
    public record Report(String nodeId, String organizationId, String region, Long activeRevision, String activeDigest,
                         Instant activatedAt, String lastError, Instant lastErrorAt, Instant reportedAt,
                         String decisionsTotal) {

        /** @throws IllegalArgumentException when node or organisation are missing or a field has the wrong type */
        public static Report parse(String key, String json) {
            JsonNode node;
            try {
                node = Json.mapper().readTree(json);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("not JSON: " + e.getMessage());
            }
            if (node == null || !node.isObject()) {
                throw new IllegalArgumentException("not a JSON object");
            }
            String nodeId = text(node, "node_id");
            if (nodeId == null) {
                nodeId = key;
            }
            String organization = text(node, "organization_id");
            if (nodeId == null || organization == null) {
                throw new IllegalArgumentException("node_id and organization_id are required");
            }
            JsonNode revision = node.get("active_revision");
            if (revision != null && !revision.isNull() && !revision.canConvertToLong()) {
                throw new IllegalArgumentException("active_revision is not a number");
            }
            JsonNode decisions = node.get("decisions_total");
            return new Report(nodeId, organization, text(node, "region"),
                    revision == null || revision.isNull() ? null : revision.asLong(), text(node, "active_digest"),
                    instant(node, "activated_at"), text(node, "last_error"), instant(node, "last_error_at"),
                    instant(node, "reported_at"), decisions == null || decisions.isNull() ? null : decisions.toString());
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.get(field);
            return value == null || value.isNull() ? null : value.asText();
        }

        private static Instant instant(JsonNode node, String field) {
            JsonNode value = node.get(field);
            if (value == null || value.isNull()) {
                return null;
            }
            if (value.isNumber()) {
                // Jackson's default for Instant: seconds with a fraction.
                return Instant.ofEpochMilli((long) (value.asDouble() * 1000));
            }
            try {
                return Instant.parse(value.asText());
            } catch (java.time.format.DateTimeParseException e) {
                throw new IllegalArgumentException(field + " is not an RFC 3339 instant");
            }
        }
    }

    @WithTransaction
    public Uni<Void> record(Report report) {
        return nodes.findById(report.nodeId()).flatMap(existing -> {
            NodeStatusEntity entity = existing == null ? new NodeStatusEntity() : existing;
            boolean newActivation = report.activeRevision() != null && report.activatedAt() != null
                    && (existing == null || !report.activeRevision().equals(existing.activeRevision)
                    || !report.organizationId().equals(existing.organizationId));
            entity.nodeId = report.nodeId();
            entity.organizationId = report.organizationId();
            entity.region = report.region();
            entity.activeRevision = report.activeRevision();
            entity.activeDigest = report.activeDigest();
            entity.activatedAt = report.activatedAt();
            entity.lastError = report.lastError() == null || report.lastError().length() <= 4000
                    ? report.lastError() : report.lastError().substring(0, 4000);
            entity.lastErrorAt = report.lastErrorAt();
            entity.reportedAt = report.reportedAt();
            entity.receivedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            entity.decisionsTotal = report.decisionsTotal();
            if (existing != null && !newActivation && report.activeRevision() != null
                    && !report.activeRevision().equals(existing.activeRevision)) {
                entity.propagationMillis = null;
            }
            Uni<Void> latency = !newActivation ? Uni.createFrom().voidItem()
                    : bundles.findRevision(report.organizationId(), report.activeRevision()).map(bundle -> {
                        if (bundle == null) {
                            entity.propagationMillis = null;
                            return null;
                        }
                        Duration elapsed = Duration.between(bundle.createdAt, report.activatedAt());
                        entity.propagationMillis = Math.max(0, elapsed.toMillis());
                        if (!elapsed.isNegative()) {
                            propagation.record(elapsed);
                        }
                        return null;
                    });
            return latency.flatMap(ignored -> existing == null ? nodes.persist(entity).replaceWithVoid() : Uni.createFrom().voidItem());
        });
    }
}
