package dev.polity.policy.engine;

/**
 * @param message the rule's message when it failed, null when it passed
 * @param error   why the rule could not be evaluated (a missing field, a wrong type); such a rule fails
 */
public record RuleResult(String name, boolean passed, String message, String remedy, String error) {
}
