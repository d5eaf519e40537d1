package dev.polity.audit.compliance;

import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.export.VerificationService;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.events.EventTypes;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Computes an organisation's compliance status from the log alone: its node's bundle activations and the central
 * authority's bundle publications, its policy decisions of the last 30 days, the models whose latest decision is
 * a denial, and the log's own verification record.
 */
@ApplicationScoped
public class ComplianceService {

    static final Duration WINDOW = Duration.ofDays(30);
    static final double DECISIONS_WEIGHT = 0.4;
    static final double VIOLATIONS_WEIGHT = 0.3;
    static final double BUNDLE_WEIGHT = 0.15;
    static final double INTEGRITY_WEIGHT = 0.15;
    private static final int LISTED_VIOLATIONS = 50;

    private static final String LATEST_OF_TYPE = """
            select e.sequence, e.event_time, audit_payload_json(p.data) as data
              from audit_event e
              left join audit_payload p on p.payload_id = e.payload_id and p.expires_at = e.payload_expires_at
             where e.organization = $1 and e.type = $2
             order by e.sequence desc limit 1""";

    private static final String PUBLISHED_REVISION = """
            select e.sequence, audit_payload_json(p.data) as data
              from audit_event e
              join audit_payload p on p.payload_id = e.payload_id and p.expires_at = e.payload_expires_at
             where e.organization = $1 and e.type = $2
               and audit_payload_json(p.data) ->> 'revision' = $3
             order by e.sequence desc limit 1""";

    private static final String DECISIONS = """
            select audit_payload_json(p.data) -> 'decision' ->> 'decision' as outcome, count(*)
              from audit_event e
              join audit_payload p on p.payload_id = e.payload_id and p.expires_at = e.payload_expires_at
             where e.organization = $1 and e.type = $2 and e.event_time >= $3
             group by 1""";

    private static final String LATEST_DECISION_PER_MODEL = """
            select distinct on (e.subject) e.subject, e.sequence, e.event_time,
                   audit_payload_json(p.data) -> 'decision' ->> 'decision' as outcome
              from audit_event e
              join audit_payload p on p.payload_id = e.payload_id and p.expires_at = e.payload_expires_at
             where e.organization = $1 and e.type = $2 and e.subject is not null
             order by e.subject, e.sequence desc""";

    private final Pool pool;
    private final CheckpointRepository checkpoints;
    private final VerificationService verification;

    ComplianceService(Pool pool, CheckpointRepository checkpoints, VerificationService verification) {
        this.pool = pool;
        this.checkpoints = checkpoints;
        this.verification = verification;
    }

    public Uni<ComplianceStatus> status(String organization) {
        Instant now = Instant.now();
        Instant windowStart = now.minus(WINDOW);
        return bundle(organization).chain(bundle -> decisions(organization, windowStart).chain(decisions ->
                violations(organization).chain(violations -> integrity().map(integrity -> {
                    ComplianceStatus.Components components = components(bundle, decisions, violations, integrity);
                    return new ComplianceStatus(organization, now, windowStart, bundle, decisions, violations, integrity,
                            score(components), components);
                }))));
    }

    static ComplianceStatus.Components components(ComplianceStatus.Bundle bundle, ComplianceStatus.Decisions decisions,
                                                  ComplianceStatus.Violations violations, ComplianceStatus.Integrity integrity) {
        double decided = decisions.total() == 0 ? 1.0
                : (decisions.approved() + 0.5 * decisions.conditional()) / decisions.total();
        double clean = violations.modelsDecided() == 0 ? 1.0 : 1.0 - (double) violations.count() / violations.modelsDecided();
        double bundled = bundle.activeRevision() == null ? 0.0
                : bundle.latestPublishedRevision() == null || bundle.activeRevision() >= bundle.latestPublishedRevision() ? 1.0 : 0.5;
        double verified = !Boolean.TRUE.equals(integrity.lastVerificationOk()) ? 0.0
                : integrity.verifiedTreeSize() >= integrity.latestCheckpointSize() ? 1.0 : 0.5;
        return new ComplianceStatus.Components(decided, clean, bundled, verified);
    }

    static int score(ComplianceStatus.Components c) {
        return (int) Math.round(100 * (DECISIONS_WEIGHT * c.decisions() + VIOLATIONS_WEIGHT * c.violations()
                + BUNDLE_WEIGHT * c.bundle() + INTEGRITY_WEIGHT * c.integrity()));
    }

    private Uni<ComplianceStatus.Bundle> bundle(String organization) {
        return latest(organization, EventTypes.BUNDLE_ACTIVATED).chain(activated ->
                latest(organization, EventTypes.BUNDLE_PUBLISHED).chain(published -> {
                    Long activeRevision = activated.map(a -> longOrNull(a.data(), "revision")).orElse(null);
                    Instant activatedAt = activated.map(LoggedEvent::time).orElse(null);
                    String nodeId = activated.map(a -> textOrNull(a.data(), "node_id")).orElse(null);
                    Long latestPublished = published.map(p -> longOrNull(p.data(), "revision")).orElse(null);
                    Uni<Optional<JsonObject>> ofActive = activeRevision == null ? Uni.createFrom().item(Optional.empty())
                            : pool.preparedQuery(PUBLISHED_REVISION)
                            .execute(Tuple.of(organization, EventTypes.BUNDLE_PUBLISHED, String.valueOf(activeRevision)))
                            .map(rows -> rows.rowCount() == 0 ? Optional.<JsonObject>empty()
                                    : Optional.ofNullable(json(rows.iterator().next())));
                    return ofActive.map(manifest -> {
                        JsonObject source = manifest.orElse(null);
                        List<ComplianceStatus.Policy> policies = new ArrayList<>();
                        if (source != null && source.getJsonArray("policies") != null) {
                            source.getJsonArray("policies").forEach(item -> {
                                if (item instanceof JsonObject policy) {
                                    policies.add(new ComplianceStatus.Policy(policy.getString("id"),
                                            String.valueOf(policy.getValue("version")), policy.getString("sha256")));
                                }
                            });
                        }
                        return new ComplianceStatus.Bundle(activeRevision, activatedAt, nodeId, latestPublished,
                                source == null ? null : source.getString("digest"), policies);
                    });
                }));
    }

    private Uni<ComplianceStatus.Decisions> decisions(String organization, Instant since) {
        return pool.preparedQuery(DECISIONS)
                .execute(Tuple.of(organization, EventTypes.DECISION_MADE, since.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    long approved = 0;
                    long conditional = 0;
                    long denied = 0;
                    long total = 0;
                    for (Row row : rows) {
                        long count = row.getLong(1);
                        total += count;
                        String outcome = row.getString(0);
                        if ("approved".equals(outcome)) {
                            approved += count;
                        } else if ("conditional".equals(outcome)) {
                            conditional += count;
                        } else if ("denied".equals(outcome)) {
                            denied += count;
                        }
                    }
                    return new ComplianceStatus.Decisions(total, approved, conditional, denied);
                });
    }

    private Uni<ComplianceStatus.Violations> violations(String organization) {
        return pool.preparedQuery(LATEST_DECISION_PER_MODEL).execute(Tuple.of(organization, EventTypes.DECISION_MADE))
                .map(rows -> {
                    List<ComplianceStatus.Violation> items = new ArrayList<>();
                    long count = 0;
                    for (Row row : rows) {
                        if ("denied".equals(row.getString("outcome"))) {
                            count++;
                            if (items.size() < LISTED_VIOLATIONS) {
                                items.add(new ComplianceStatus.Violation(row.getString("subject"), row.getLong("sequence"),
                                        row.getOffsetDateTime("event_time").toInstant()));
                            }
                        }
                    }
                    return new ComplianceStatus.Violations(count, rows.rowCount(), items);
                });
    }

    private Uni<ComplianceStatus.Integrity> integrity() {
        return verification.latestRecorded().chain(last -> checkpoints.latest().map(latest -> new ComplianceStatus.Integrity(
                last.map(VerificationService.RecordedVerification::verifiedAt).orElse(null),
                last.map(VerificationService.RecordedVerification::ok).orElse(null),
                last.map(VerificationService.RecordedVerification::verifiedTreeSize).orElse(0L),
                latest.map(Checkpoint::treeSize).orElse(0L))));
    }

    private record LoggedEvent(long sequence, Instant time, JsonObject data) {
    }

    private Uni<Optional<LoggedEvent>> latest(String organization, String type) {
        return pool.preparedQuery(LATEST_OF_TYPE).execute(Tuple.of(organization, type)).map(rows -> {
            if (rows.rowCount() == 0) {
                return Optional.empty();
            }
            Row row = rows.iterator().next();
            return Optional.of(new LoggedEvent(row.getLong("sequence"), row.getOffsetDateTime("event_time").toInstant(), json(row)));
        });
    }

    private static JsonObject json(Row row) {
        Object value = row.getValue("data");
        return value instanceof JsonObject object ? object : null;
    }

    private static Long longOrNull(JsonObject data, String field) {
        if (data == null || data.getValue(field) == null) {
            return null;
        }
        try {
            return Long.parseLong(String.valueOf(data.getValue(field)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String textOrNull(JsonObject data, String field) {
        return data == null || data.getValue(field) == null ? null : String.valueOf(data.getValue(field));
    }
}
