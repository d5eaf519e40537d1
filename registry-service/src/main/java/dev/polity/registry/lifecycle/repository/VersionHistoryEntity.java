package dev.polity.registry.lifecycle.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

/** One status move of a version. Append-only: the database refuses updates and deletes. */
@Entity
@Table(name = "version_history")
public class VersionHistoryEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "version_id", nullable = false)
    public Long versionId;

    @Column(name = "from_status", nullable = false)
    public String fromStatus;

    @Column(name = "to_status", nullable = false)
    public String toStatus;

    @Column(name = "moved_by", nullable = false)
    public String movedBy;

    @Column(name = "moved_at", nullable = false)
    public Instant movedAt;

    @Column(nullable = false)
    public String reason;

    @Column(name = "transition_id")
    public UUID transitionId;

    @Column(nullable = false)
    public boolean rollback;

    /** True when the move followed from another (a production version deprecated by its successor). */
    @Column(nullable = false)
    public boolean automatic;

    @Column(name = "decision_id")
    public String decisionId;

    @Column(name = "decision_outcome")
    public String decisionOutcome;

    @Column(name = "bundle_revision")
    public Long bundleRevision;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> constraints;

    /** {@code {"items": [...]}}: the sign-offs that let the move happen. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "sign_offs", nullable = false)
    public Map<String, Object> signOffs;
}
