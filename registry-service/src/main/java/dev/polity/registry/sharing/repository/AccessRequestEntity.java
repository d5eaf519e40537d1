package dev.polity.registry.sharing.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** An organisation's request to use another organisation's model: {@code pending}, {@code approved} or {@code rejected}. */
@Entity
@Table(name = "access_request")
public class AccessRequestEntity {

    @Id
    public UUID id;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    @Column(name = "owner_organization", nullable = false)
    public String ownerOrganization;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    @Column(name = "requesting_organization", nullable = false)
    public String requestingOrganization;

    @Column(name = "requesting_team")
    public String requestingTeam;

    @Column(name = "requested_by", nullable = false)
    public String requestedBy;

    @Column(nullable = false)
    public String purpose;

    @Column(name = "intended_use", nullable = false)
    public String intendedUse;

    @Column(name = "duration_days", nullable = false)
    public int durationDays;

    @Column(name = "data_sharing_terms")
    public String dataSharingTerms;

    @Column(nullable = false)
    public String state;

    @Column(name = "auto_approval_rule")
    public String autoApprovalRule;

    @Column(name = "decided_by")
    public String decidedBy;

    @Column(name = "decided_at")
    public Instant decidedAt;

    @Column(name = "decision_reason")
    public String decisionReason;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
