package dev.polity.sync.federation.repository;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A policy id an organisation, a region or the whole federation is subscribed to: from the
 * federation file's {@code policy_hierarchy} ({@code source} federation) or a tier's default set
 * ({@code source} tier-default). Never leaves the service layer.
 */
@Entity
@Table(name = "policy_subscriptions")
public class PolicySubscriptionEntity {

    public static final String SOURCE_FEDERATION = "federation";
    public static final String SOURCE_TIER_DEFAULT = "tier-default";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    /** global, regional or organization. */
    @Column(name = "scope_level", nullable = false)
    public String scopeLevel;

    /** The region or organisation id; empty for global. */
    @Column(name = "scope_key", nullable = false)
    public String scopeKey;

    @Column(name = "policy_id", nullable = false)
    public String policyId;

    @Column(nullable = false)
    public String source;

    public static PolicySubscriptionEntity of(String level, String key, String policyId, String source) {
        PolicySubscriptionEntity entity = new PolicySubscriptionEntity();
        entity.scopeLevel = level;
        entity.scopeKey = key == null ? "" : key;
        entity.policyId = policyId;
        entity.source = source;
        return entity;
    }
}
