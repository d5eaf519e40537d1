package dev.polity.registry.lifecycle.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/**
 * A requested lifecycle transition of a version and where its approval workflow stands:
 * {@code pending_review}, {@code completed}, {@code denied} (by the policy node), {@code rejected}
 * (by a reviewer) or {@code stale} (the version moved before the last sign-off).
 */
@Entity
@Table(name = "version_transition")
public class VersionTransitionEntity {

    @Id
    public UUID id;

    @Column(name = "version_id", nullable = false)
    public Long versionId;

    @Column(nullable = false)
    public String organization;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(nullable = false)
    public String version;

    @Column(name = "from_status", nullable = false)
    public String fromStatus;

    @Column(name = "to_status", nullable = false)
    public String toStatus;

    @Column(nullable = false)
    public boolean rollback;

    @Column(nullable = false)
    public String reason;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;

    @Column(nullable = false)
    public String state;

    @Column(name = "risk_level", nullable = false)
    public String riskLevel;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(name = "required_reviews", nullable = false, columnDefinition = "text[]")
    public String[] requiredReviews;

    @Column(name = "decision_id")
    public String decisionId;

    @Column(name = "decision_outcome")
    public String decisionOutcome;

    @Column(name = "bundle_revision")
    public Long bundleRevision;

    /** The policy node's answer as received. */
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> decision;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(columnDefinition = "text[]")
    public String[] conditions;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> constraints;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "closed_by")
    public String closedBy;
}
