package dev.polity.contracts.policy;

/**
 * One CEL rule of a policy. The rule passes when {@code expression} evaluates to {@code true}.
 *
 * @param message           shown when the rule fails
 * @param messageExpression optional CEL string expression computing the message from the request
 *                          (e.g. to name the measured value); wins over {@code message}
 * @param remedy            what the team can do to pass
 */
public record PolicyRule(String name, String expression, String message, String messageExpression, String remedy) {
}
