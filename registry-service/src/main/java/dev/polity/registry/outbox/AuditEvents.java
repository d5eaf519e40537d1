package dev.polity.registry.outbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.registry.config.RegistryConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * Queues the audit event of a change in the outbox. Call inside the transaction that makes the change:
 * the event is sent if and only if the change commits.
 */
@ApplicationScoped
public class AuditEvents {

    private static final String JSON = "application/json";

    private final OutboxRepository outbox;
    private final RegistryConfig config;
    private final ObjectMapper json;

    AuditEvents(OutboxRepository outbox, RegistryConfig config, ObjectMapper json) {
        this.outbox = outbox;
        this.config = config;
        this.json = json;
    }

    /**
     * @param subject      {@code model/{org}/{name}} for everything about a model; also the Kafka key
     * @param organization the organisation the event belongs to ({@code polityorg})
     * @param actor        who acted ({@code polityactor}), or null
     * @param data         serialised with the REST mapper, so with the wire (snake_case) names
     */
    public Uni<Void> record(String type, String subject, String organization, String actor, Object data, Instant time) {
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put(CloudEvent.EXTENSION_ORGANIZATION, organization);
        if (actor != null && !actor.isBlank()) {
            extensions.put(CloudEvent.EXTENSION_ACTOR, actor);
        }
        byte[] bytes;
        try {
            bytes = json.writeValueAsBytes(data);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot serialise the data of " + type, e));
        }
        CloudEvent event = new CloudEvent(UUID.randomUUID().toString(), config.events().source(), type, subject, time,
                JSON, extensions, bytes);
        return outbox.enqueue(event, time).replaceWithVoid();
    }

    public static String modelSubject(String organization, String name) {
        return "model/" + organization + "/" + name;
    }
}
