package dev.polity.registry.model.service;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Lifecycle status of a model version: {@code development -> staging -> production -> deprecated -> retired}.
 * Every version starts in {@link #DEVELOPMENT}. Bringing a deprecated version back to production is a
 * rollback.
 */
public enum VersionStatus {
    DEVELOPMENT,
    STAGING,
    PRODUCTION,
    DEPRECATED,
    RETIRED;

    private static final Map<VersionStatus, Set<VersionStatus>> NEXT = Map.of(
            DEVELOPMENT, Set.of(STAGING),
            STAGING, Set.of(PRODUCTION),
            PRODUCTION, Set.of(DEPRECATED),
            DEPRECATED, Set.of(PRODUCTION, RETIRED),
            RETIRED, Set.of());

    /** The lower-case name used on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean canMoveTo(VersionStatus target) {
        return NEXT.get(this).contains(target);
    }

    /** Whether moving from here to {@code target} brings an earlier production version back. */
    public boolean isRollbackTo(VersionStatus target) {
        return this == DEPRECATED && target == PRODUCTION;
    }

    /** The statuses reachable from this one, in lifecycle order. */
    public List<String> nextWireNames() {
        return Arrays.stream(values()).filter(this::canMoveTo).map(VersionStatus::wireName).toList();
    }

    public static VersionStatus fromWire(String text) {
        if (text == null) {
            return null;
        }
        for (VersionStatus status : values()) {
            if (status.wireName().equals(text)) {
                return status;
            }
        }
        return null;
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(VersionStatus::wireName).toList();
    }
}
