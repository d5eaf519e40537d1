package dev.polity.sync.bundle.service;

import dev.polity.contracts.Topics;
import dev.polity.sync.messaging.KeyedRecordPublisher;
import dev.polity.sync.messaging.SyncChannels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.nio.charset.StandardCharsets;

/** Publishes signed bundles on the compacted {@code polity.policy.bundles} topic: the latest per organisation. */
@ApplicationScoped
public class BundlePublisher {

    private final MutinyEmitter<byte[]> emitter;

    public BundlePublisher(@Channel(SyncChannels.POLICY_BUNDLES) MutinyEmitter<byte[]> emitter) {
        this.emitter = emitter;
    }

    /** Completes when Kafka acknowledged the record (key: organisation id, value: the bundle JSON as UTF-8). */
    public Uni<Void> publish(String organizationId, String bundleJson) {
        return KeyedRecordPublisher.send(emitter, Topics.POLICY_BUNDLES, organizationId,
                bundleJson.getBytes(StandardCharsets.UTF_8));
    }
}
