package dev.polity.sync.authoring.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** A submitted policy version waiting for (or past) a second person's approval. Never leaves the service layer. */
@Entity
@Table(name = "policy_changes")
public class PolicyChangeEntity {

    public static final String PENDING = "pending";
    public static final String APPROVED = "approved";
    public static final String REJECTED = "rejected";
    public static final String EXPIRED = "expired";

    @Id
    public UUID id;

    @Column(name = "policy_id", nullable = false)
    public String policyId;

    /** The version the change was made against; null for a new policy. */
    @Column(name = "base_version")
    public Integer baseVersion;

    @Column(name = "proposed_version", nullable = false)
    public int proposedVersion;

    /** Canonical JSON of the proposed document, its version set to {@link #proposedVersion}. */
    @Column(nullable = false)
    public String document;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "scope_level", nullable = false)
    public String scopeLevel;

    /** JSON array of {@code PolicyDiff.Change}. */
    @Column(nullable = false)
    public String diff;

    @Column(nullable = false)
    public String author;

    @Column(name = "author_organization")
    public String authorOrganization;

    @Column(nullable = false)
    public String status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "decision_comment")
    public String decisionComment;
}
