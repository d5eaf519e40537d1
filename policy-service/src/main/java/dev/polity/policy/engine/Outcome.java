package dev.polity.policy.engine;

import com.fasterxml.jackson.annotation.JsonValue;

/** The outcome of one policy, and (approved, conditional, denied only) of a whole decision. */
public enum Outcome {
    APPROVED, CONDITIONAL, DENIED,
    /** An advisory policy failed: the decision stands, with a warning. */
    WARNING,
    /** The policy's match guard was false, or it is scoped to another team. */
    NOT_APPLICABLE;

    @JsonValue
    public String wireName() {
        return name().toLowerCase();
    }
}
