package dev.polity.contracts.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** Where a policy applies. Scopes inherit downwards: global, regional, organisation, team. */
public enum ScopeLevel {
    GLOBAL, REGIONAL, ORGANIZATION, TEAM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static ScopeLevel fromWireName(String text) {
        return WireNames.parse(ScopeLevel.class, values(), text);
    }
}
