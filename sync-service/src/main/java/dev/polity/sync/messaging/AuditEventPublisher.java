package dev.polity.sync.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.support.events.CloudEventMessages;
import dev.polity.sync.config.EventsConfig;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Emits governance events to {@code polity.audit.events} as binary-mode CloudEvents, with JSON
 * (snake_case) data, and completes only when Kafka has acknowledged them.
 */
@ApplicationScoped
public class AuditEventPublisher {

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper mapper;
    private final String source;

    public AuditEventPublisher(@Channel(SyncChannels.AUDIT_EVENTS) MutinyEmitter<byte[]> emitter,
                               ObjectMapper mapper, EventsConfig config) {
        this.emitter = emitter;
        this.mapper = mapper;
        this.source = "/polity/sync-service/" + config.instance().orElseGet(AuditEventPublisher::hostName);
    }

    /**
     * @param subject      what the event is about, e.g. {@code policy/bias-threshold}; also the record key
     * @param organization the organisation the event belongs to ({@code polityorg}), or null
     */
    public Uni<Void> publish(String type, String subject, String organization, Object data) {
        return publish(type, subject, organization, null, data);
    }

    /** @param actor who did it ({@code polityactor}: the token's subject), or null */
    public Uni<Void> publish(String type, String subject, String organization, String actor, Object data) {
        Map<String, String> extensions = new HashMap<>();
        if (organization != null) {
            extensions.put(CloudEvent.EXTENSION_ORGANIZATION, organization);
        }
        if (actor != null) {
            extensions.put(CloudEvent.EXTENSION_ACTOR, actor);
        }
        CloudEvent event = new CloudEvent(UUID.randomUUID().toString(), source, type, subject, Instant.now(),
                "application/json", extensions, json(data));
        return emitter.sendMessage(CloudEventMessages.toKafkaMessage(event))
                .onFailure().transform(e -> KafkaFailures.unavailable(Topics.AUDIT_EVENTS, e));
    }

    /** The CloudEvent {@code source} of every event this instance emits. */
    public String source() {
        return source;
    }

    private byte[] json(Object data) {
        try {
            return mapper.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write event data as JSON", e);
        }
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "local";
        }
    }
}
