package dev.polity.policy.engine;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * @param message the rule's message when it failed, null when it passed
 * @param error   why the rule could not be evaluated (a missing field, a wrong type); such a rule fails
 */
// A decision lists every rule of every policy; a passing rule is just its name and "passed": true.
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RuleResult(String name, boolean passed, String message, String remedy, String error) {
}
