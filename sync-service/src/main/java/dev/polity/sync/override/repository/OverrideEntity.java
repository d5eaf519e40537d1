package dev.polity.sync.override.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An override of a policy for one organisation (or one of its teams). Never leaves the service layer. */
@Entity
@Table(name = "overrides")
public class OverrideEntity {

    public static final String PENDING = "pending";
    public static final String ACTIVE = "active";
    public static final String REJECTED = "rejected";
    public static final String EXPIRED = "expired";
    public static final String REVOKED = "revoked";

    @Id
    public UUID id;

    @Column(name = "policy_id", nullable = false)
    public String policyId;

    @Column(name = "organization_id", nullable = false)
    public String organizationId;

    @Column(name = "team_id")
    public String teamId;

    @Column(nullable = false)
    public String reason;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    public String approver;

    /** pending, active, rejected, expired or revoked. */
    @Column(nullable = false)
    public String status;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** A pending request expires unapproved at this time. */
    @Column(name = "approval_expires_at", nullable = false)
    public Instant approvalExpiresAt;

    @Column(name = "approved_at")
    public Instant approvedAt;

    /** The override ends at this time and drops out of the organisation's bundle. */
    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "ended_at")
    public Instant endedAt;
}
