package dev.polity.policy.bundle;

import dev.polity.policy.config.NodeConfig;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code polity.policy.bundles}. The topic is compacted and keyed by organisation, so
 * reading it from the start on every boot yields the latest bundle of every organisation; this
 * node activates only its own. Offsets are never committed (see application.properties) for
 * exactly that reason.
 */
@ApplicationScoped
public class BundleIntake {

    private final NodeConfig config;
    private final BundleActivator activator;

    public BundleIntake(NodeConfig config, BundleActivator activator) {
        this.config = config;
        this.activator = activator;
    }

    @Incoming(NodeChannels.POLICY_BUNDLES)
    @Blocking // ordered by default: bundles are activated in the order they were published
    public void onBundle(ConsumerRecord<String, byte[]> record) {
        if (!config.organizationId().equals(record.key()) || record.value() == null) {
            return; // another organisation's bundle, or a tombstone
        }
        activator.activate(record.value(), "kafka " + record.topic() + "-" + record.partition() + "@" + record.offset(), true);
    }
}
