package dev.polity.registry.sharing.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.UUID;

/** One recorded use of a version: download, inference or training, by an organisation, under a grant or as its owner. */
@Entity
@Table(name = "usage_record")
public class UsageRecordEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "version_id", nullable = false)
    public Long versionId;

    @Column(name = "grant_id")
    public UUID grantId;

    @Column(nullable = false)
    public String organization;

    @Column(nullable = false)
    public String kind;

    @Column(nullable = false)
    public long quantity;

    @Column(name = "recorded_by", nullable = false)
    public String recordedBy;

    @Column(name = "recorded_at", nullable = false)
    public Instant recordedAt;
}
