package dev.polity.sync.status.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The latest report of one policy node. Never leaves the service layer. */
@Entity
@Table(name = "node_status")
public class NodeStatusEntity {

    @Id
    @Column(name = "node_id")
    public String nodeId;

    @Column(name = "organization_id", nullable = false)
    public String organizationId;

    public String region;

    @Column(name = "active_revision")
    public Long activeRevision;

    @Column(name = "active_digest")
    public String activeDigest;

    @Column(name = "activated_at")
    public Instant activatedAt;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "last_error_at")
    public Instant lastErrorAt;

    /** When the node says it reported. */
    @Column(name = "reported_at")
    public Instant reportedAt;

    /** When the central authority read the report. */
    @Column(name = "received_at", nullable = false)
    public Instant receivedAt;

    /** Publish-to-activation time of the active revision, when known. */
    @Column(name = "propagation_millis")
    public Long propagationMillis;

    /** JSON object: decisions by outcome, as the node reports it. */
    @Column(name = "decisions_total")
    public String decisionsTotal;
}
