package dev.polity.contracts.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy document that cannot be accepted; lists every field that is wrong. */
public class InvalidPolicyException extends IllegalArgumentException {

    private final List<PolicyViolation> violations;

    public InvalidPolicyException(List<PolicyViolation> violations) {
        super("invalid policy: " + violations.stream()
                .map(v -> v.field() + ": " + v.problem())
                .collect(Collectors.joining("; ")));
        this.violations = List.copyOf(violations);
    }

    public List<PolicyViolation> violations() {
        return violations;
    }
}
