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

/**
 * A model of one organisation, {@code {organization}/{name}}, with what its owner says about it:
 * description, owning team, domain, tags, access level and use flags. Created with its first version
 * or by {@code PUT}; mutable, unlike its versions.
 */
@Entity
@Table(name = "model")
public class ModelEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String organization;

    @Column(nullable = false)
    public String name;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;

    public String description;

    @Column(name = "owning_team")
    public String owningTeam;

    public String domain;

    @JdbcTypeCode(SqlTypes.ARRAY)
    @Column(nullable = false, columnDefinition = "text[]")
    public String[] tags = new String[0];

    /** {@code public}, {@code organization}, {@code consortium} or {@code private}. */
    @Column(name = "access_level", nullable = false)
    public String accessLevel;

    @Column(name = "research_use_approved", nullable = false)
    public boolean researchUseApproved;

    @Column(name = "academic_use_approved", nullable = false)
    public boolean academicUseApproved;

    /** Risk input: people interact with the model's output directly. */
    @Column(name = "user_facing", nullable = false)
    public boolean userFacing;

    /** Risk input: the model decides without a human in the loop. */
    @Column(name = "autonomous_decisions", nullable = false)
    public boolean autonomousDecisions;

    @Column(name = "updated_at")
    public Instant updatedAt;

    @Column(name = "updated_by")
    public String updatedBy;
}
