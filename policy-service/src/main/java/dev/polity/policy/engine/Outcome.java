package dev.polity.policy.engine;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** The outcome of one policy, and (approved, conditional, denied only) of a whole decision. */
public enum Outcome {
    APPROVED, CONDITIONAL, DENIED,
    /** An advisory policy failed: the decision stands, with a warning. */
    WARNING,
    /** The policy's match guard was false, or it is scoped to another team. */
    NOT_APPLICABLE;

    /** Lower-case, computed once: every decision serialises these dozens of times. */
    private final String wireName = name().toLowerCase(Locale.ROOT);

    @JsonValue
    public String wireName() {
        return wireName;
    }
}
