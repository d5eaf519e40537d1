package dev.polity.support.security.breakglass;

import dev.polity.contracts.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/**
 * How a service learns of break-glass grants. The gateway writes them; every service (the gateway
 * included) reads them from the same topic and lets them count in its own role checks.
 */
@ConfigMapping(prefix = "polity.break-glass")
public interface BreakGlassConfig {

    /** Off: this service does not read the grant topic, and only the roles in a token count. */
    @WithDefault("true")
    boolean enabled();

    /**
     * The compacted Kafka topic the gateway keeps the active grants on (key: grant id, value: the grant
     * as JSON, a tombstone ends it). Must be the same in every service and the gateway.
     */
    @WithDefault(Topics.GATEWAY_BREAK_GLASS)
    String topic();

    /**
     * How long after it last read the topic to its end a replica still lets grants count. A replica that
     * cannot reach the topic for longer stops applying every grant until it has read it again, so a
     * revocation it missed holds everywhere within this time (fail closed).
     */
    @WithDefault("PT30S")
    Duration maxStaleness();
}
