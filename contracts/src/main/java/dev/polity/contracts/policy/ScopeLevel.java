package dev.polity.contracts.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** Where a policy applies. Scopes inherit downwards: global, regional, organisation, team. */
public enum ScopeLevel {
    GLOBAL, REGIONAL, ORGANIZATION, TEAM;

    /** Lower-case, computed once: every decision serialises these dozens of times. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static ScopeLevel fromWireName(String text) {
        return WireNames.parse(ScopeLevel.class, values(), text);
    }
}
