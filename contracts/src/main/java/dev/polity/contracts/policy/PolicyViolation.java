package dev.polity.contracts.policy;

/** One problem with a policy document: the field path (e.g. {@code rules[1].expression}) and what is wrong. */
public record PolicyViolation(String field, String problem) {
}
