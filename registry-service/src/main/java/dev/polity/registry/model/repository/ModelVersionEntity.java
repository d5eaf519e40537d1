package dev.polity.registry.model.repository;

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

/**
 * One registered version of a model. Lineage and metrics are kept as {@code jsonb} documents in the
 * shape the client sent them (snake_case keys), so they can be queried later without a schema change
 * for every new metric.
 */
@Entity
@Table(name = "model_version")
public class ModelVersionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    @Column(nullable = false)
    public String organization;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(nullable = false)
    public String version;

    @Column(name = "version_major", nullable = false)
    public int versionMajor;

    @Column(name = "version_minor", nullable = false)
    public int versionMinor;

    @Column(name = "version_patch", nullable = false)
    public int versionPatch;

    @Column(name = "artifact_uri", nullable = false)
    public String artifactUri;

    @Column(name = "artifact_sha256", nullable = false)
    public String artifactSha256;

    public String framework;

    @Column(name = "model_type")
    public String modelType;

    public String description;

    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> lineage;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "performance_metrics")
    public Map<String, Object> performanceMetrics;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "fairness_metrics")
    public Map<String, Object> fairnessMetrics;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "training_data")
    public Map<String, Object> trainingData;

    @Column(name = "created_by")
    public String createdBy;

    @Column(nullable = false)
    public String status;

    @Column(name = "registered_at", nullable = false)
    public Instant registeredAt;

    /** The token subject that registered the version (created_by is what the pipeline says). */
    @Column(name = "registered_by")
    public String registeredBy;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "model_card")
    public Map<String, Object> modelCard;

    @Column(name = "risk_level", nullable = false)
    public String riskLevel;

    @Column(name = "risk_score", nullable = false)
    public int riskScore;

    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "risk_inputs")
    public Map<String, Object> riskInputs;

    /** A copy of the model's access level for the search, kept by {@code refresh_model_search}. */
    @Column(name = "access_level", nullable = false)
    public String accessLevel;

    @Column(name = "usage_count", nullable = false)
    public long usageCount;

    @Column(name = "status_changed_at")
    public Instant statusChangedAt;

    /** Constraints of the conditional decision that let the version into its current status, if any. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "deployment_constraints")
    public Map<String, Object> deploymentConstraints;
}
