package dev.polity.sync.federation.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The imported federation file's identity and settings. Never leaves the service layer. */
@Entity
@Table(name = "federation_settings")
public class FederationSettingsEntity {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String strategy;

    @Column(name = "require_approval", nullable = false)
    public boolean requireApproval;

    @Column(name = "approval_timeout_seconds", nullable = false)
    public long approvalTimeoutSeconds;

    @Column(name = "sync_interval_seconds")
    public Long syncIntervalSeconds;

    @Column(name = "batch_size")
    public Integer batchSize;

    @Column(name = "max_retries", nullable = false)
    public int maxRetries;

    @Column(name = "backoff_multiplier", nullable = false)
    public double backoffMultiplier;

    @Column(name = "max_backoff_seconds", nullable = false)
    public long maxBackoffSeconds;

    /** Canonical JSON of the file's audit_configuration block. */
    @Column(name = "audit_configuration", nullable = false)
    public String auditConfiguration;

    /** Canonical JSON of the whole imported file. */
    @Column(nullable = false)
    public String document;

    @Column(name = "imported_at", nullable = false)
    public Instant importedAt;
}
