package dev.polity.sync.policy.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** One immutable version of a policy. Never leaves the service layer. */
@Entity
@Table(name = "policy_versions")
public class PolicyVersionEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "policy_id", nullable = false)
    public String policyId;

    @Column(nullable = false)
    public int version;

    /** Wire name of the scope level: global, regional, organization or team. */
    @Column(name = "scope_level", nullable = false)
    public String scopeLevel;

    @Column(name = "scope_region")
    public String scopeRegion;

    @Column(name = "scope_organization")
    public String scopeOrganization;

    @Column(name = "scope_team")
    public String scopeTeam;

    /** Canonical JSON (RFC 8785) of the document, its version field set. */
    @Column(nullable = false)
    public String document;

    @Column(nullable = false)
    public String sha256;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
