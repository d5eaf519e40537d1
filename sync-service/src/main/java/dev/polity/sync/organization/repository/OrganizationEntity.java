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

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
