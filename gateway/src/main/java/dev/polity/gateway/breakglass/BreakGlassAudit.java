package dev.polity.gateway.breakglass;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.support.events.CloudEventMessages;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;

import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Puts every step of a break-glass grant on the audit topic as a CloudEvent and completes only when Kafka
 * acknowledged it: the grant, every request made under it, and its end (revoked or expired).
 */
@ApplicationScoped
public class BreakGlassAudit {

    /** Outgoing channel to {@code polity.audit.events}. */
    public static final String CHANNEL = "audit-events";

    private final MutinyEmitter<byte[]> emitter;
    private final ObjectMapper json;
    private final String source;

    public BreakGlassAudit(@Channel(CHANNEL) MutinyEmitter<byte[]> emitter, ObjectMapper json,
                           @ConfigProperty(name = "polity.gateway.instance") Optional<String> instance) {
        this.emitter = emitter;
        this.json = json;
        this.source = "/polity/gateway/" + instance.orElseGet(BreakGlassAudit::hostName);
    }

    public Uni<Void> granted(BreakGlassGrant grant) {
        Map<String, Object> data = grantData(grant);
        return send(grant.id() + ":granted", BreakGlassEvents.SHARED_SOURCE, BreakGlassEvents.GRANTED, grant, grant.grantedBy(), data);
    }

    /** A request made while the grant applied. */
    public Uni<Void> used(BreakGlassGrant grant, String method, String path) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("grant_id", grant.id());
        data.put("user", grant.user());
        data.put("role", grant.role());
        data.put("method", method);
        data.put("path", path);
        data.put("expires_at", grant.expiresAt().toString());
        return send(UUID.randomUUID().toString(), source, BreakGlassEvents.USED, grant, grant.user(), data);
    }

    /**
     * One {@link #used} event per grant that applied to a request, written one after the other before the
     * request goes anywhere; fails (503) if one cannot be written. Nothing to do without grants.
     */
    public Uni<Void> usedAll(List<BreakGlassGrant> grants, String method, String path) {
        Uni<Void> all = Uni.createFrom().voidItem();
        if (grants != null) {
            for (BreakGlassGrant grant : grants) {
                all = all.chain(() -> used(grant, method, path));
            }
        }
        return all;
    }

    /**
     * @param how   {@code revoked} or {@code expired}
     * @param actor who revoked it, or {@code gateway} for an expiry
     */
    public Uni<Void> ended(BreakGlassGrant grant, String how, String actor, Instant at) {
        Map<String, Object> data = grantData(grant);
        data.put("ended_by", how);
        data.put("ended_at", at.toString());
        return send(grant.id() + ":ended", BreakGlassEvents.SHARED_SOURCE, BreakGlassEvents.ENDED, grant, actor, data);
    }

    private Uni<Void> send(String id, String eventSource, String type, BreakGlassGrant grant, String actor, Map<String, Object> data) {
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put(CloudEvent.EXTENSION_ORGANIZATION, grant.organization());
        if (actor != null) {
            extensions.put(CloudEvent.EXTENSION_ACTOR, actor);
        }
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(data);
        } catch (IOException e) {
            return Uni.createFrom().failure(e);
        }
        CloudEvent event = new CloudEvent(id, eventSource, type, "break-glass/" + grant.id(), Instant.now(), "application/json",
                extensions, payload);
        return emitter.sendMessage(CloudEventMessages.toKafkaMessage(event))
                .onFailure().transform(e -> ProblemException.unavailable("the audit log cannot take the break-glass event now ("
                        + e.getClass().getSimpleName() + "); nothing was done, retry later"));
    }

    private static Map<String, Object> grantData(BreakGlassGrant grant) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("grant_id", grant.id());
        data.put("organization", grant.organization());
        data.put("user", grant.user());
        data.put("role", grant.role());
        data.put("reason", grant.reason());
        data.put("granted_by", grant.grantedBy());
        data.put("granted_at", grant.grantedAt().toString());
        data.put("expires_at", grant.expiresAt().toString());
        return data;
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return fromEnvironment;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.net.UnknownHostException e) {
            return "gateway";
        }
    }
}
