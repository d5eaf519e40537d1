package dev.polity.contracts.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What a policy governs; used for reporting and for the standard library's grouping. */
public enum PolicyType {
    DATA_PRIVACY, BIAS, COMPLIANCE, PERFORMANCE, LINEAGE, DEPLOYMENT_GATE, USAGE, CUSTOM;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }

    @JsonCreator
    public static PolicyType fromWireName(String text) {
        return WireNames.parse(PolicyType.class, values(), text);
    }
}
