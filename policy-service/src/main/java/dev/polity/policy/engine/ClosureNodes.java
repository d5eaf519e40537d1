package dev.polity.policy.engine;

import dev.polity.contracts.cel.PolicyCel;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The nodes {@link ClosureCompiler} builds an expression from. Each evaluates itself against a
 * {@link Frame} (the two variables, comprehension variables, the iteration count) and returns a
 * value or throws an {@link EvaluationError}. Everything resolvable when the expression is
 * compiled is resolved then: which variable an identifier is, which Java function a call runs,
 * the source position errors report. Nodes are immutable and shared by every evaluation.
 *
 * <p>Evaluation order and error handling follow cel-java's interpreter ({@code DefaultInterpreter}),
 * which matters where errors are absorbed: {@code &&}, {@code ||}, {@code @not_strictly_false}
 * and comprehension loop steps.
 */
final class ClosureNodes {

    private ClosureNodes() {
    }

    /** One node of a compiled expression. */
    interface Node {
        Object eval(Frame frame);
    }

    /** The state of one evaluation. */
    static final class Frame {
        final Map<String, Object> request;
        final Map<String, Object> params;
        /** Comprehension variables, by the slot the compiler gave each. */
        final Object[] locals;
        /** Loop iterations so far, over all comprehensions of the expression, as cel-java counts them. */
        int iterations;

        Frame(Map<String, Object> request, Map<String, Object> params, Object[] locals) {
            this.request = request;
            this.params = params;
            this.locals = locals;
        }
    }

    @FunctionalInterface
    interface UnaryFunction {
        Object apply(Object argument);
    }

    @FunctionalInterface
    interface BinaryFunction {
        Object apply(Object first, Object second);
    }

    // ---------------------------------------------------------------- values and variables

    record Constant(Object value) implements Node {
        @Override
        public Object eval(Frame frame) {
            return value;
        }
    }

    /** The {@code request} variable. */
    record RequestVariable() implements Node {
        @Override
        public Object eval(Frame frame) {
            return frame.request;
        }
    }

    /** The {@code params} variable. */
    record ParamsVariable() implements Node {
        @Override
        public Object eval(Frame frame) {
            return frame.params;
        }
    }

    /** A comprehension's iteration variable or accumulator; an accumulator may hold an error, which reading throws. */
    record LocalVariable(String name, int slot) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object value = frame.locals[slot];
            if (value instanceof EvaluationError error) {
                throw error;
            }
            return value;
        }
    }

    /** {@code operand.field} on a map. */
    record Select(Node operand, String field, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object value = operand.eval(frame);
            try {
                return CelOperations.select(value, field);
            } catch (EvaluationError e) {
                throw e.at(position);
            }
        }
    }

    /** {@code has(operand.field)}. */
    record Presence(Node operand, String field, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object value = operand.eval(frame);
            try {
                return CelOperations.has(value, field);
            } catch (EvaluationError e) {
                throw e.at(position);
            }
        }
    }

    /**
     * {@code [a, b, ...]}: a new, mutable list each time, as cel-java builds one ({@link AppendToAccumulator}
     * relies on the {@code []} a {@code map()} or {@code filter()} starts with being its own).
     */
    record ListLiteral(List<Node> elements) implements Node {
        @Override
        public Object eval(Frame frame) {
            List<Object> list = new ArrayList<>(elements.size());
            for (Node element : elements) {
                list.add(element.eval(frame));
            }
            return list;
        }
    }

    /** {@code {k: v, ...}}: keys and values in order; a repeated key is an error, as in cel-java. */
    record MapLiteral(List<Node> keys, List<Node> values, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Map<Object, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < keys.size(); i++) {
                Object key = keys.get(i).eval(frame);
                Object value = values.get(i).eval(frame);
                if (map.containsKey(key)) {
                    throw new EvaluationError("duplicate map key [" + key + "]").at(position);
                }
                map.put(key, value);
            }
            return map;
        }
    }

    /**
     * {@code value in ["a", "b"]} with a list literal of string constants, the commonest shape in
     * policies: a set lookup instead of building the list and scanning it. Same result, as cel-java's
     * {@code in} asks the list's {@code contains} first, and only numbers get a second look.
     */
    record InStringConstants(Node value, Set<String> strings) implements Node {
        @Override
        public Object eval(Frame frame) {
            return strings.contains(value.eval(frame));
        }
    }

    // ---------------------------------------------------------------- calls

    /** A strict call of one argument; which Java function it runs was resolved at compile time. */
    record UnaryCall(String function, UnaryFunction implementation, Node argument, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object value = argument.eval(frame);
            try {
                return implementation.apply(value);
            } catch (RuntimeException e) {
                throw EvaluationError.of(e, position);
            }
        }
    }

    /** A strict call of two arguments, evaluated left to right. */
    record BinaryCall(String function, BinaryFunction implementation, Node first, Node second, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object left = first.eval(frame);
            Object right = second.eval(frame);
            try {
                return implementation.apply(left, right);
            } catch (RuntimeException e) {
                throw EvaluationError.of(e, position);
            }
        }
    }

    // ---------------------------------------------------------------- logic

    /**
     * {@code a && b} (deciding value false) and {@code a || b} (deciding value true): the deciding
     * value if either side has it, even when the other side is an error; otherwise the first error;
     * otherwise the other value. A side that is neither a bool nor an error is an error that the
     * operator does not absorb ({@code dyn(1) && false} is an error in cel-java, {@code error && false}
     * is false): it is thrown outside the try, so it escapes this node like any other error.
     */
    record Logical(boolean decidingValue, Node left, int leftPosition, Node right, int rightPosition) implements Node {

        static Logical and(Node left, int leftPosition, Node right, int rightPosition) {
            return new Logical(false, left, leftPosition, right, rightPosition);
        }

        static Logical or(Node left, int leftPosition, Node right, int rightPosition) {
            return new Logical(true, left, leftPosition, right, rightPosition);
        }

        @Override
        public Object eval(Frame frame) {
            Object leftValue = null;
            EvaluationError leftError = null;
            try {
                leftValue = left.eval(frame);
            } catch (EvaluationError e) {
                leftError = e;
            }
            if (leftError == null && asBoolean(leftValue, leftPosition) == decidingValue) {
                return decidingValue;
            }
            Object rightValue = null;
            EvaluationError rightError = null;
            try {
                rightValue = right.eval(frame);
            } catch (EvaluationError e) {
                rightError = e;
            }
            if (rightError == null && asBoolean(rightValue, rightPosition) == decidingValue) {
                return decidingValue;
            }
            if (leftError != null) {
                throw leftError;
            }
            if (rightError != null) {
                throw rightError;
            }
            return !decidingValue;
        }
    }

    private static boolean asBoolean(Object value, int position) {
        if (value instanceof Boolean b) {
            return b;
        }
        throw CelOperations.expectedBoolean(value).at(position);
    }

    /** {@code !a}. */
    record Not(Node operand, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object value = operand.eval(frame);
            try {
                return CelOperations.not(value);
            } catch (EvaluationError e) {
                throw e.at(position);
            }
        }
    }

    /** {@code c ? a : b}: only the chosen branch is evaluated; a non-bool condition is an error. */
    record Conditional(Node condition, Node ifTrue, Node ifFalse, int position) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object value = condition.eval(frame);
            if (!(value instanceof Boolean b)) {
                throw CelOperations.expectedBoolean(value).at(position);
            }
            return b ? ifTrue.eval(frame) : ifFalse.eval(frame);
        }
    }

    /** The macros' {@code @not_strictly_false(a)}: false only when {@code a} is false; errors and non-bools count as true. */
    record NotStrictlyFalse(Node operand) implements Node {
        @Override
        public Object eval(Frame frame) {
            try {
                return operand.eval(frame) instanceof Boolean b ? b : Boolean.TRUE;
            } catch (EvaluationError e) {
                return Boolean.TRUE;
            }
        }
    }

    // ---------------------------------------------------------------- comprehensions

    /**
     * The comprehension every macro ({@code all}, {@code exists}, {@code exists_one}, {@code map},
     * {@code filter}) expands to: for each element of a list, or key of a map, while the loop
     * condition holds, the loop step computes the next accumulator; then the result is evaluated.
     * As in cel-java, the accumulator's initial value and each loop step are evaluated
     * non-strictly (an error becomes the accumulator's value, so {@code all()} can still turn
     * false on a later element), the loop condition must be a bool, and every iteration of every
     * comprehension of the expression counts against {@link PolicyCel#MAX_COMPREHENSION_ITERATIONS}.
     */
    record Comprehension(Node iterRange, int iterRangePosition, int iterSlot, int accuSlot, Node accuInit,
                         Node loopCondition, int loopConditionPosition, Node loopStep, Node result) implements Node {
        @Override
        public Object eval(Frame frame) {
            Object range = iterRange.eval(frame);
            Collection<?> elements;
            if (range instanceof List<?> list) {
                elements = list;
            } else if (range instanceof Map<?, ?> map) {
                elements = map.keySet();
            } else {
                throw new EvaluationError("expected a list or a map for iteration range but got '"
                        + (range == null ? "null" : range.getClass().getSimpleName()) + "'").at(iterRangePosition);
            }
            Object[] locals = frame.locals;
            Object accumulator = evalNonStrictly(accuInit, frame);
            for (Object element : elements) {
                if (++frame.iterations > PolicyCel.MAX_COMPREHENSION_ITERATIONS) {
                    throw new EvaluationError("Iteration budget exceeded: " + PolicyCel.MAX_COMPREHENSION_ITERATIONS);
                }
                locals[iterSlot] = element;
                locals[accuSlot] = accumulator;
                Object condition = loopCondition.eval(frame);
                if (!(condition instanceof Boolean proceed)) {
                    throw CelOperations.expectedBoolean(condition).at(loopConditionPosition);
                }
                if (!proceed) {
                    break;
                }
                accumulator = evalNonStrictly(loopStep, frame);
            }
            locals[accuSlot] = accumulator;
            return result.eval(frame);
        }

        /** The value, or the error as a value (cel-java's {@code evalNonstrictly}). */
        private static Object evalNonStrictly(Node node, Frame frame) {
            try {
                return node.eval(frame);
            } catch (EvaluationError e) {
                return e;
            }
        }
    }

    /**
     * {@code @result + [e]} in the loop step of {@code map()} and {@code filter()}, whose
     * accumulator starts as a new empty list: appends to it in place, where {@code _+_} would copy
     * it on every iteration (quadratic in the list's length; cel-java appends in place too).
     * Nothing else can see the accumulator while the loop runs. An accumulator that is an error
     * stays one, and {@code e} is then not evaluated, as when {@code _+_} reads its first argument.
     */
    record AppendToAccumulator(int accuSlot, Node element) implements Node {
        @Override
        @SuppressWarnings("unchecked")
        public Object eval(Frame frame) {
            Object accumulator = frame.locals[accuSlot];
            if (accumulator instanceof EvaluationError error) {
                throw error;
            }
            Object value = element.eval(frame);
            ((List<Object>) accumulator).add(value);
            return accumulator;
        }
    }
}
