package dev.polity.contracts.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** What a policy governs; used for reporting and for the standard library's grouping. */
public enum PolicyType {
    DATA_PRIVACY, BIAS, COMPLIANCE, PERFORMANCE, LINEAGE, DEPLOYMENT_GATE, USAGE, CUSTOM;

    /** Lower-case, computed once: every decision serialises these dozens of times. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }

    @JsonCreator
    public static PolicyType fromWireName(String text) {
        return WireNames.parse(PolicyType.class, values(), text);
    }
}
