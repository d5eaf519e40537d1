package dev.polity.registry.sharing.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** What an approved access request gives: an organisation may use a model until {@code expiresAt}, unless revoked. */
@Entity
@Table(name = "access_grant")
public class AccessGrantEntity {

    @Id
    public UUID id;

    @Column(name = "access_request_id", nullable = false)
    public UUID accessRequestId;

    @Column(name = "model_id", nullable = false)
    public Long modelId;

    @Column(name = "owner_organization", nullable = false)
    public String ownerOrganization;

    @Column(name = "model_name", nullable = false)
    public String modelName;

    /** The organisation the grant is for. */
    @Column(nullable = false)
    public String organization;

    public String team;

    @Column(name = "intended_use", nullable = false)
    public String intendedUse;

    @Column(name = "granted_by", nullable = false)
    public String grantedBy;

    @Column(name = "granted_at", nullable = false)
    public Instant grantedAt;

    @Column(name = "expires_at", nullable = false)
    public Instant expiresAt;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;

    @Column(name = "revocation_reason")
    public String revocationReason;

    @Column(name = "expiry_recorded_at")
    public Instant expiryRecordedAt;

    @Column(name = "usage_count", nullable = false)
    public long usageCount;

    public boolean isValidAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
