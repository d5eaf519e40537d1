package dev.polity.policy.engine;

import dev.cel.common.types.CelType;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Evaluates expressions with both engines, the closure compiler and cel-java's interpreter, and
 * compares the outcomes: the same value of the same Java type (lists and maps compared element by
 * element, in order; doubles with {@code Double.equals}, so NaN equals NaN and -0.0 differs from
 * 0.0), or an error from both.
 */
final class EngineComparison {

    final CelEnvironment closure = new CelEnvironment();
    final CelEnvironment celJava = new CelEnvironment(CelEnvironment.Mode.CEL_JAVA_ONLY);

    /** One expression compiled by both engines. */
    record Pair(String expression, CompiledExpression fast, CompiledExpression reference) {
    }

    /** What an evaluation gave: a value, or an error message. */
    record Outcome(Object value, String error) {

        boolean isError() {
            return error != null;
        }

        @Override
        public String toString() {
            return isError() ? "error(" + error + ")"
                    : value + " [" + (value == null ? "null" : value.getClass().getName()) + "]";
        }
    }

    Pair compile(String expression, CelType type) {
        return new Pair(expression, closure.compile(expression, type), celJava.compile(expression, type));
    }

    static Outcome evaluate(CompiledExpression expression, Map<String, Object> request, Map<String, Object> params) {
        try {
            return new Outcome(expression.evaluate(request, params), null);
        } catch (ExpressionEvaluationException e) {
            return new Outcome(null, e.getMessage());
        } catch (RuntimeException e) {
            // cel-java may throw past its own error handling; either way the rule could not be evaluated.
            return new Outcome(null, "unexpected " + e);
        }
    }

    /** Null when both engines agree; otherwise a description of the difference. */
    static String difference(Pair pair, Map<String, Object> request, Map<String, Object> params) {
        Outcome fast = evaluate(pair.fast(), request, params);
        Outcome reference = evaluate(pair.reference(), request, params);
        if (fast.isError() && reference.isError()) {
            return null;
        }
        if (!fast.isError() && !reference.isError() && same(fast.value(), reference.value())) {
            return null;
        }
        return "closure compiler: " + fast + "\n    cel-java:         " + reference;
    }

    static boolean same(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof List<?> x && b instanceof List<?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!same(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof Map<?, ?> x && b instanceof Map<?, ?> y) {
            if (x.size() != y.size()) {
                return false;
            }
            Iterator<? extends Map.Entry<?, ?>> yEntries = new ArrayList<>(y.entrySet()).iterator();
            for (Map.Entry<?, ?> entry : x.entrySet()) {
                Map.Entry<?, ?> other = yEntries.next();
                if (!same(entry.getKey(), other.getKey()) || !same(entry.getValue(), other.getValue())) {
                    return false;
                }
            }
            return true;
        }
        return a.getClass() == b.getClass() && a.equals(b);
    }
}
