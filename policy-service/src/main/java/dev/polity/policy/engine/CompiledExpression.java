package dev.polity.policy.engine;

import java.util.Map;

/**
 * One compiled policy expression (a match guard, a rule or a message expression), ready to be
 * evaluated against a request. Immutable and thread-safe.
 *
 * <p>Two engines implement it: {@link ClosureExpression}, the expression compiled by
 * {@link ClosureCompiler} into a tree of small Java objects that evaluate directly against the
 * request's maps (the fast path, used whenever every node of the expression is in the subset it
 * supports), and {@link CelJavaExpression}, cel-java's own interpreter, which runs everything
 * else. Both give the same results: {@code ClosureCompilerDifferentialTest} checks it.
 */
public interface CompiledExpression {

    /** Which engine evaluates an expression. */
    enum Engine {
        /** Compiled by {@link ClosureCompiler}. */
        CLOSURE,
        /** cel-java's interpreter. */
        CEL_JAVA
    }

    /**
     * @param request the CEL {@code request} variable and {@code params} the policy's parameters,
     *                both as {@link CelValues} converts JSON (Long, Double, String, Boolean, List,
     *                Map; {@code java.time.Instant} is accepted as a timestamp)
     * @return the value: Boolean, Long, Double, String, List, Map, {@code java.time.Instant},
     *         {@code java.time.Duration} or cel-java's {@code NullValue}
     * @throws ExpressionEvaluationException when the expression evaluates to an error (a missing
     *                                       field, no overload for the argument types, overflow...)
     */
    Object evaluate(Map<String, Object> request, Map<String, Object> params) throws ExpressionEvaluationException;

    Engine engine();

    /** The expression's source text. */
    String expression();
}
