package dev.polity.contracts.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/**
 * What a failed policy does to a decision: {@code blocking} denies it, {@code conditional}
 * approves it with the policy's conditions and constraints, {@code advisory} adds a warning.
 */
public enum Enforcement {
    BLOCKING, CONDITIONAL, ADVISORY;

    /** Lower-case, computed once: every decision serialises these dozens of times. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static Enforcement fromWireName(String text) {
        return WireNames.parse(Enforcement.class, values(), text);
    }
}
