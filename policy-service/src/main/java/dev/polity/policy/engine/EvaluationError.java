package dev.polity.policy.engine;

/**
 * A CEL error value inside the closure-compiled engine. CEL evaluation yields a value or an error;
 * most operators propagate errors and a few absorb them ({@code false && error} is false), so the
 * engine throws errors and the absorbing operators catch them. A comprehension's accumulator can
 * hold one as a value (cel-java evaluates a loop step non-strictly): reading the accumulator
 * throws it again.
 *
 * <p>No stack trace: an error is an ordinary outcome (a missing field), and filling one in would
 * cost more than evaluating the expression.
 */
final class EvaluationError extends RuntimeException {

    /** Offset of the failing expression in the source, or -1 while the failing node has not said. */
    private final int position;

    EvaluationError(String message) {
        this(message, -1);
    }

    private EvaluationError(String message, int position) {
        super(message, null, false, false);
        this.position = position;
    }

    /** This error located at the node that raised it; an error already located keeps its position. */
    EvaluationError at(int position) {
        return this.position >= 0 || position < 0 ? this : new EvaluationError(getMessage(), position);
    }

    /** Any exception of a function implementation as a CEL error of the node at {@code position}. */
    static EvaluationError of(RuntimeException e, int position) {
        if (e instanceof EvaluationError error) {
            return error.at(position);
        }
        return new EvaluationError(e.getMessage() != null ? e.getMessage() : e.toString(), position);
    }

    /** The message, in cel-java's words, so that both engines report errors alike. */
    String describe() {
        return position >= 0
                ? "evaluation error at <input>:" + position + ": " + getMessage()
                : "evaluation error: " + getMessage();
    }
}
