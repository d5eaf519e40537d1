package dev.polity.policy.engine;

/**
 * An expression evaluated to an error. An ordinary outcome (a rule reading a field the request
 * does not have), not a bug, so it carries no stack trace: filling one in would cost more than
 * evaluating the expression.
 */
public class ExpressionEvaluationException extends Exception {

    public ExpressionEvaluationException(String message) {
        super(message, null, false, false);
    }
}
