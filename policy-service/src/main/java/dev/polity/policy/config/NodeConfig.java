package dev.polity.policy.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of a policy node: whom it decides for and whose bundles it trusts. */
@ConfigMapping(prefix = "polity.node")
public interface NodeConfig {

    /** The organisation this node decides for; it activates only bundles made for it. Required. */
    String organizationId();

    /** Identifies this node on the status topic and in audit events; defaults to {@code <organization-id>-node}. */
    Optional<String> nodeId();

    /** The region the node runs in, reported on the status topic. */
    @WithDefault("global")
    String region();

    /**
     * Base64 X.509 Ed25519 public keys of the central authority; a bundle signed by any other key
     * is rejected. Required: a node that trusts nobody can never activate a bundle.
     */
    List<String> trustedPublicKeys();

    /** Where the node keeps its last good bundle, so it can decide when the central authority is unreachable. */
    @WithDefault("data/policy-node")
    Path stateDirectory();

    /** How long a decision stays valid ({@code expires_at} = evaluation time + this). */
    @WithDefault("PT24H")
    Duration decisionTtl();

    /**
     * Serve {@code POST /api/v1/decisions} on a plain Vert.x route ({@code DecisionRoute}) instead of through
     * Quarkus REST: the same checks and answers for about a tenth less CPU per decision. Off: the
     * {@code DecisionResource} method serves it.
     */
    @WithDefault("true")
    boolean decisionFastPath();

    default String effectiveNodeId() {
        return nodeId().orElse(organizationId() + "-node");
    }
}
