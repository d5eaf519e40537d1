package dev.polity.sync.organization.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A member of the federation. Never leaves the service layer. */
@Entity
@Table(name = "organizations")
public class OrganizationEntity {

    @Id
    public String id;

    @Column(nullable = false)
    public String name;

    @Column(nullable = false)
    public String tier;

    @Column(nullable = false)
    public String region;

    @Column(name = "parent_organization")
    public String parentOrganization;

    /** global, regional or local: the highest scope its authors speak for. */
    @Column(name = "policy_authority", nullable = false)
    public String policyAuthority;

    @Column(name = "partnership_type")
    public String partnershipType;

    @Column(name = "governance_endpoint")
    public String governanceEndpoint;

    /** JSON array of organisation ids. */
    @Column(name = "trusted_partners", nullable = false)
    public String trustedPartners;

    /** JSON array of consortium ids. */
    @Column(nullable = false)
    public String consortia;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;
}
