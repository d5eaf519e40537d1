package dev.polity.sync.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Federation membership and consistency. */
@ConfigMapping(prefix = "polity.federation")
public interface FederationConfig {

    /** A node whose last status report is older than this is flagged {@code silent} in the federation status. */
    @WithDefault("5m")
    Duration silentAfter();

    /**
     * Tier default policy sets: {@code polity.federation.tier-defaults.<tier>=<policy id>,...}. A new
     * organisation is subscribed to its tier's set; ids not authored yet are listed as unresolved.
     * The defaults are in {@code application.properties}.
     */
    Map<String, List<String>> tierDefaults();
}
