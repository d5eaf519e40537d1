package dev.polity.audit.log;

import dev.polity.audit.event.repository.ReceivedEvent;

import java.time.Instant;

/**
 * A received event with everything its append needs that does not depend on the log's state: its leaf hash
 * (computed outside the lock), its retention class and when its payload expires.
 */
public record PreparedEvent(ReceivedEvent received, byte[] leafHash, String retentionClass, Instant payloadExpiresAt) {

    /** The deduplication key: source and id. */
    public String key() {
        return received.event().source() + '\u0000' + received.event().id();
    }
}
