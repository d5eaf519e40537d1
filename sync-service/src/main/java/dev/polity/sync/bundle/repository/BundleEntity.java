package dev.polity.sync.bundle.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A signed bundle as published. Never leaves the service layer. */
@Entity
@Table(name = "bundles")
public class BundleEntity {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "organization_id", nullable = false)
    public String organizationId;

    @Column(nullable = false)
    public long revision;

    /**
     * SHA-256 over the signing key id and the policy digests (id, version, sha256): equal when a
     * rebuild would sign exactly the same policies with the same key.
     */
    @Column(name = "policy_set_sha256", nullable = false)
    public String policySetSha256;

    /** The manifest digest. */
    @Column(nullable = false)
    public String digest;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    /** {@code Bundles.toJson} of the signed bundle, byte for byte what was published. */
    @Column(name = "bundle_json", nullable = false)
    public String bundleJson;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;
}
