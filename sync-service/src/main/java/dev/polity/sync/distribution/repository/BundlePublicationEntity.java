package dev.polity.sync.distribution.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An organisation whose bundle must be rebuilt and republished (the outbox). Never leaves the service layer. */
@Entity
@Table(name = "bundle_publications")
public class BundlePublicationEntity {

    @Id
    @Column(name = "organization_id")
    public String organizationId;

    /** Goes up with every new request; the publishing transaction deletes the row only if it is unchanged. */
    @Column(nullable = false)
    public long generation;

    @Column(nullable = false)
    public String reason;

    @Column(nullable = false)
    public int attempts;

    @Column(name = "next_attempt_at", nullable = false)
    public Instant nextAttemptAt;

    /** Retries are exhausted; shown in the federation status until the next change or manual build. */
    @Column(nullable = false)
    public boolean failed;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "requested_at", nullable = false)
    public Instant requestedAt;
}
