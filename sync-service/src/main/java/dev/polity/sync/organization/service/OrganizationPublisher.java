package dev.polity.sync.organization.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.Topics;
import dev.polity.sync.messaging.KeyedRecordPublisher;
import dev.polity.sync.messaging.SyncChannels;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

/** Publishes federation membership on the compacted {@code polity.federation.organizations} topic. */
@ApplicationScoped
public class OrganizationPublisher {

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;

    public OrganizationPublisher(@Channel(SyncChannels.FEDERATION_ORGANIZATIONS) MutinyEmitter<byte[]> emitter,
                                 ObjectMapper mapper) {
        this.emitter = emitter;
        this.mapper = mapper;
    }

    /** Completes when Kafka has acknowledged the record (key: organisation id, value: its snake_case JSON). */
    public Uni<Void> publish(Organization organization) {
        byte[] value;
        try {
            value = mapper.writeValueAsBytes(organization);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write organization as JSON", e);
        }
        return KeyedRecordPublisher.send(emitter, Topics.FEDERATION_ORGANIZATIONS, organization.id(), value);
    }

    /**
     * Publishes a tombstone (key: organisation id, value: null): the organisation left the federation,
     * and compaction eventually drops its earlier records. Completes when Kafka has acknowledged it.
     */
    public Uni<Void> publishRemoval(String organizationId) {
        return KeyedRecordPublisher.send(emitter, Topics.FEDERATION_ORGANIZATIONS, organizationId, null);
    }
}
