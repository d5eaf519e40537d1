package dev.polity.support.security.breakglass;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

import java.time.Instant;

/**
 * A temporary elevated role: {@code user} of {@code organization} holds {@code role} until
 * {@code expiresAt}, because {@code grantedBy} (a platform_admin of the same organisation) said why.
 *
 * <p>This record is also the value of a grant record on the grant topic (key: {@link #id()}), written by
 * the gateway and read by every service: {@link #toJson()} and {@link #fromJson(String)} fix that format
 * (snake_case names, ISO-8601 instants) whatever Jackson settings a service has for its REST API.
 *
 * @param user the user's name as tokens carry it (the identity's principal name: {@code preferred_username}, else {@code sub})
 */
public record BreakGlassGrant(
        @JsonProperty("id") String id,
        @JsonProperty("organization") String organization,
        @JsonProperty("user") String user,
        @JsonProperty("role") String role,
        @JsonProperty("reason") String reason,
        @JsonProperty("granted_by") String grantedBy,
        @JsonProperty("granted_at") Instant grantedAt,
        @JsonProperty("expires_at") Instant expiresAt) {

    /**
     * The topic's own mapper. Unknown fields make a record unreadable on purpose: a field a newer gateway
     * adds may narrow a grant, and a reader that ignored it would apply the grant more widely (fail closed).
     */
    private static final ObjectMapper TOPIC_FORMAT = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public boolean activeAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** The grant as the value of its record on the grant topic. */
    public String toJson() {
        try {
            return TOPIC_FORMAT.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write break-glass grant " + id, e);
        }
    }

    /**
     * Reads a grant record's value.
     *
     * @throws IllegalArgumentException when it is not a grant with every field that decides where it applies
     */
    public static BreakGlassGrant fromJson(String json) {
        BreakGlassGrant grant;
        try {
            grant = TOPIC_FORMAT.readValue(json, BreakGlassGrant.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a break-glass grant: " + e.getOriginalMessage(), e);
        }
        if (grant.id() == null || grant.organization() == null || grant.user() == null || grant.role() == null
                || grant.expiresAt() == null) {
            throw new IllegalArgumentException("a break-glass grant needs id, organization, user, role and expires_at");
        }
        return grant;
    }
}
