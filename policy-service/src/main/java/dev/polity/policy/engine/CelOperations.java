package dev.polity.policy.engine;

import dev.polity.contracts.time.Rfc3339;
import dev.cel.common.internal.DateTimeHelpers;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.RuntimeHelpers;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * CEL's standard functions and operators on the Java values cel-java 0.13.1 uses (Long, Double,
 * String, Boolean, List, Map, {@code java.time.Instant} for timestamps, {@code java.time.Duration}
 * for durations, cel-java's {@link NullValue}), with cel-java's semantics as {@link dev.polity.contracts.cel.PolicyCel}
 * configures it: heterogeneous numeric comparison and equality ({@code 1 == 1.0}, {@code 1 < 1.5})
 * but homogeneous arithmetic ({@code 1 + 1.0} has no overload), overflow and division by zero are
 * errors.
 *
 * <p>Each function dispatches on the runtime types of its arguments, as cel-java's dispatcher does
 * for {@code dyn} arguments, and throws {@link EvaluationError} when no overload matches. Where an
 * argument's type is known when the expression is checked, its value has that type, so dispatching
 * at run time selects the overload the checker chose (the one exception, indexing a list by a
 * double, {@link ClosureCompiler} handles). Parsing and formatting of timestamps and durations is
 * cel-java's own code ({@link DateTimeHelpers}, {@link RuntimeHelpers}), so that what one engine
 * accepts the other does too; only the commonest timestamp shape has a faster parser in front
 * ({@link Rfc3339}).
 *
 * <p>{@code ClosureCompilerDifferentialTest} checks every function against cel-java.
 */
final class CelOperations {

    private CelOperations() {
    }

    // ---------------------------------------------------------------- errors

    static EvaluationError noMatchingOverload(String function, Object... args) {
        StringBuilder types = new StringBuilder();
        for (Object arg : args) {
            types.append(types.isEmpty() ? "" : ", ").append(typeName(arg));
        }
        return new EvaluationError("No matching overload for function '" + function + "' applied to (" + types + ")");
    }

    static EvaluationError expectedBoolean(Object value) {
        return new EvaluationError("expected boolean value, found: " + value);
    }

    /** The CEL type of a value, for error messages. */
    static String typeName(Object value) {
        return switch (value) {
            case null -> "null";
            case Boolean b -> "bool";
            case Long l -> "int";
            case Double d -> "double";
            case String s -> "string";
            case List<?> l -> "list";
            case Map<?, ?> m -> "map";
            case Instant i -> "google.protobuf.Timestamp";
            case Duration d -> "google.protobuf.Duration";
            case NullValue n -> "null_type";
            default -> value.getClass().getSimpleName();
        };
    }

    // ---------------------------------------------------------------- field selection

    /** {@code operand.field}: a map's entry; an error when the key is absent or the operand is not a map. */
    static Object select(Object operand, String field) {
        if (operand instanceof Map<?, ?> map) {
            Object value = map.get(field);
            if (value == null) {
                throw new EvaluationError("key '" + field + "' is not present in map.");
            }
            return value;
        }
        throw notAMapOrMessage(field);
    }

    /** {@code has(operand.field)}: whether a map has the key; an error when the operand is not a map. */
    static boolean has(Object operand, String field) {
        if (operand instanceof Map<?, ?> map) {
            return map.containsKey(field);
        }
        throw notAMapOrMessage(field);
    }

    private static EvaluationError notAMapOrMessage(String field) {
        return new EvaluationError("Error resolving field '" + field
                + "'. Field selections must be performed on messages or maps.");
    }

    // ---------------------------------------------------------------- equality, in, index

    /**
     * {@code _==_}: heterogeneous equality (cel-java's {@code RuntimeEquality.objectEquals}):
     * numbers compare by value across int and double, lists element-wise, maps by key set and
     * values, everything else with {@code equals}; values of different types are not equal.
     */
    static boolean equal(Object x, Object y) {
        if (x == y) {
            return true; // cel-java too: the same Double NaN object equals itself
        }
        if (x instanceof Number a) {
            return y instanceof Number b && numericEquals(a, b);
        }
        if (x instanceof List<?> a) {
            if (!(y instanceof List<?> b) || a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (x instanceof Map<?, ?> a) {
            if (!(y instanceof Map<?, ?> b) || a.size() != b.size()) {
                return false;
            }
            for (Map.Entry<?, ?> entry : a.entrySet()) {
                Object other = findInMap(b, entry.getKey());
                if (other == null || !equal(entry.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return Objects.equals(x, y);
    }

    private static boolean numericEquals(Number x, Number y) {
        if (x instanceof Double a) {
            if (y instanceof Double b) {
                return a.doubleValue() == b.doubleValue(); // false for NaN, true for 0.0 and -0.0
            }
            if (y instanceof Long b) {
                return compareDoubleInt(a, b) == 0;
            }
        } else if (x instanceof Long a) {
            if (y instanceof Long b) {
                return a.longValue() == b.longValue();
            }
            if (y instanceof Double b) {
                return compareDoubleInt(b, a) == 0;
            }
        }
        return false;
    }

    /** A map's value for a key, null when absent; a double key finds an int key of the same value. */
    static Object findInMap(Map<?, ?> map, Object key) {
        Object value = map.get(key);
        if (value == null && key instanceof Double d) {
            Long asLong = doubleToLongLossless(d);
            if (asLong != null) {
                value = map.get(asLong);
            }
        }
        return value;
    }

    /**
     * {@code value in list}: Java {@code contains} first, then CEL equality for numbers only
     * (exactly cel-java's {@code inList}, so {@code NaN in [NaN]} is true as there).
     */
    static boolean inList(List<?> list, Object value) {
        if (list.contains(value)) {
            return true;
        }
        if (value instanceof Number) {
            for (Object element : list) {
                if (equal(element, value)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** {@code @in}: membership in a list, or a key of a map. */
    static boolean in(Object value, Object container) {
        if (container instanceof List<?> list) {
            return inList(list, value);
        }
        if (container instanceof Map<?, ?> map) {
            return findInMap(map, value) != null;
        }
        throw noMatchingOverload("@in", value, container);
    }

    /** {@code _[_]} where the checker allows both overloads: a list's element or a map's value. */
    static Object index(Object container, Object key) {
        if (container instanceof List<?> && key instanceof Number) {
            return indexList(container, key);
        }
        if (container instanceof Map<?, ?>) {
            return indexMap(container, key);
        }
        throw noMatchingOverload("_[_]", container, key);
    }

    /** {@code list[i]}: by int index, or by a double with an integral value (cel-java's {@code indexList}). */
    static Object indexList(Object container, Object key) {
        if (!(container instanceof List<?> list) || !(key instanceof Number)) {
            throw noMatchingOverload("_[_]", container, key);
        }
        long index;
        if (key instanceof Long l) {
            index = l;
        } else if (key instanceof Double d && doubleToLongLossless(d) != null) {
            index = doubleToLongLossless(d);
        } else {
            throw new EvaluationError("Index out of bounds: " + key);
        }
        if (index < 0 || index >= list.size()) {
            throw new EvaluationError("Index out of bounds: " + index);
        }
        return list.get((int) index);
    }

    /** {@code map[key]}: an error when the key is absent. */
    static Object indexMap(Object container, Object key) {
        if (!(container instanceof Map<?, ?> map)) {
            throw noMatchingOverload("_[_]", container, key);
        }
        Object value = findInMap(map, key);
        if (value == null) {
            throw new EvaluationError("key '" + key + "' is not present in map.");
        }
        return value;
    }

    private static Long doubleToLongLossless(double d) {
        Optional<Long> asLong = RuntimeHelpers.doubleToLongChecked(d);
        return asLong.isPresent() && asLong.get().doubleValue() == d ? asLong.get() : null;
    }

    // ---------------------------------------------------------------- ordering

    /** The four ordering operators. */
    enum Ordering {
        LESS("_<_"), LESS_EQUALS("_<=_"), GREATER("_>_"), GREATER_EQUALS("_>=_");

        final String function;

        Ordering(String function) {
            this.function = function;
        }

        boolean holds(int comparison) {
            return switch (this) {
                case LESS -> comparison < 0;
                case LESS_EQUALS -> comparison <= 0;
                case GREATER -> comparison > 0;
                case GREATER_EQUALS -> comparison >= 0;
            };
        }
    }

    /**
     * {@code x < y} and the like, for ints, doubles (also mixed), strings, bools, timestamps and
     * durations. Two doubles compare with Java's operators (anything against NaN is false); an
     * int against a double with cel-java's {@code ComparisonFunctions}, where NaN is greater than
     * every int (so {@code 1 < NaN} is true in cel-java, and here).
     */
    static boolean compare(Ordering ordering, Object x, Object y) {
        if (x instanceof Double a && y instanceof Double b) {
            double l = a;
            double r = b;
            return switch (ordering) {
                case LESS -> l < r;
                case LESS_EQUALS -> l <= r;
                case GREATER -> l > r;
                case GREATER_EQUALS -> l >= r;
            };
        }
        int comparison;
        if (x instanceof Long a && y instanceof Long b) {
            comparison = Long.compare(a, b);
        } else if (x instanceof Long a && y instanceof Double b) {
            comparison = -compareDoubleInt(b, a);
        } else if (x instanceof Double a && y instanceof Long b) {
            comparison = compareDoubleInt(a, b);
        } else if (x instanceof String a && y instanceof String b) {
            comparison = a.compareTo(b);
        } else if (x instanceof Boolean a && y instanceof Boolean b) {
            comparison = Boolean.compare(a, b);
        } else if (x instanceof Instant a && y instanceof Instant b) {
            comparison = a.compareTo(b);
        } else if (x instanceof Duration a && y instanceof Duration b) {
            comparison = a.compareTo(b);
        } else {
            throw noMatchingOverload(ordering.function, x, y);
        }
        return ordering.holds(comparison);
    }

    /** cel-java's {@code ComparisonFunctions.compareDoubleInt}. */
    private static int compareDoubleInt(double d, long l) {
        if (d < (double) Long.MIN_VALUE) {
            return -1;
        }
        if (d > (double) Long.MAX_VALUE) {
            return 1;
        }
        return Double.compare(d, (double) l);
    }

    // ---------------------------------------------------------------- arithmetic

    static Object add(Object x, Object y) {
        if (x instanceof Long a && y instanceof Long b) {
            try {
                return Math.addExact(a, b);
            } catch (ArithmeticException e) {
                throw overflow(e);
            }
        }
        if (x instanceof Double a && y instanceof Double b) {
            return a + b;
        }
        if (x instanceof String a && y instanceof String b) {
            return a.concat(b);
        }
        if (x instanceof List<?> a && y instanceof List<?> b) {
            List<Object> sum = new ArrayList<>(a.size() + b.size());
            sum.addAll(a);
            sum.addAll(b);
            return sum;
        }
        if (x instanceof Instant a && y instanceof Duration b) {
            return DateTimeHelpers.add(a, b);
        }
        if (x instanceof Duration a && y instanceof Instant b) {
            return DateTimeHelpers.add(b, a);
        }
        if (x instanceof Duration a && y instanceof Duration b) {
            return DateTimeHelpers.add(a, b);
        }
        throw noMatchingOverload("_+_", x, y);
    }

    static Object subtract(Object x, Object y) {
        if (x instanceof Long a && y instanceof Long b) {
            try {
                return Math.subtractExact(a, b);
            } catch (ArithmeticException e) {
                throw overflow(e);
            }
        }
        if (x instanceof Double a && y instanceof Double b) {
            return a - b;
        }
        if (x instanceof Instant a && y instanceof Instant b) {
            return Duration.between(b, a);
        }
        if (x instanceof Instant a && y instanceof Duration b) {
            return DateTimeHelpers.subtract(a, b);
        }
        if (x instanceof Duration a && y instanceof Duration b) {
            return DateTimeHelpers.subtract(a, b);
        }
        throw noMatchingOverload("_-_", x, y);
    }

    static Object multiply(Object x, Object y) {
        if (x instanceof Long a && y instanceof Long b) {
            try {
                return Math.multiplyExact(a, b);
            } catch (ArithmeticException e) {
                throw overflow(e);
            }
        }
        if (x instanceof Double a && y instanceof Double b) {
            return a * b;
        }
        throw noMatchingOverload("_*_", x, y);
    }

    static Object divide(Object x, Object y) {
        if (x instanceof Long a && y instanceof Long b) {
            if (b == 0) {
                throw new EvaluationError("/ by zero");
            }
            if (a == Long.MIN_VALUE && b == -1) {
                throw new EvaluationError("most negative number wraps");
            }
            return a / b;
        }
        if (x instanceof Double a && y instanceof Double b) {
            return a / b;
        }
        throw noMatchingOverload("_/_", x, y);
    }

    static Object modulo(Object x, Object y) {
        if (x instanceof Long a && y instanceof Long b) {
            if (b == 0) {
                throw new EvaluationError("/ by zero");
            }
            return a % b;
        }
        throw noMatchingOverload("_%_", x, y);
    }

    static Object negate(Object x) {
        if (x instanceof Long a) {
            try {
                return Math.negateExact(a);
            } catch (ArithmeticException e) {
                throw overflow(e);
            }
        }
        if (x instanceof Double a) {
            return -a;
        }
        throw noMatchingOverload("-_", x);
    }

    /** The global {@code abs()} PolicyCel binds: {@code Math.abs}, so abs of the smallest int is itself, as there. */
    static Object abs(Object x) {
        if (x instanceof Long a) {
            return Math.abs(a);
        }
        if (x instanceof Double a) {
            return Math.abs(a);
        }
        throw noMatchingOverload("abs", x);
    }

    private static EvaluationError overflow(ArithmeticException e) {
        return new EvaluationError(e.getMessage()); // "long overflow", as in cel-java
    }

    static Object not(Object x) {
        if (x instanceof Boolean b) {
            return !b;
        }
        throw noMatchingOverload("!_", x);
    }

    // ---------------------------------------------------------------- size, conversions

    static Object size(Object x) {
        return switch (x) {
            case String s -> (long) s.codePointCount(0, s.length());
            case List<?> l -> (long) l.size();
            case Map<?, ?> m -> (long) m.size();
            case null, default -> throw noMatchingOverload("size", x);
        };
    }

    /** {@code string()}: {@code Double.toString} for doubles (0.1, 1.0E20, -0.0, NaN), RFC 3339 for timestamps, seconds for durations. */
    static Object string(Object x) {
        return switch (x) {
            case String s -> s;
            case Long l -> l.toString();
            case Double d -> d.toString();
            case Boolean b -> b.toString();
            case Instant i -> i.toString();
            case Duration d -> DateTimeHelpers.toString(d);
            case null, default -> throw noMatchingOverload("string", x);
        };
    }

    static Object toInt(Object x) {
        return switch (x) {
            case Long l -> l;
            case Double d -> RuntimeHelpers.doubleToLongChecked(d)
                    .orElseThrow(() -> new EvaluationError("double is out of range for int"));
            case String s -> {
                try {
                    yield Long.parseLong(s);
                } catch (NumberFormatException e) {
                    throw new EvaluationError(e.getMessage());
                }
            }
            case Instant i -> i.getEpochSecond();
            case null, default -> throw noMatchingOverload("int", x);
        };
    }

    static Object toDouble(Object x) {
        return switch (x) {
            case Double d -> d;
            case Long l -> (double) l;
            case String s -> {
                try {
                    yield Double.parseDouble(s);
                } catch (NumberFormatException e) {
                    throw new EvaluationError(e.getMessage());
                }
            }
            case null, default -> throw noMatchingOverload("double", x);
        };
    }

    /** {@code timestamp()}: RFC 3339 as cel-java parses it, seconds since the epoch, or a timestamp; years 1 to 9999. */
    static Object timestamp(Object x) {
        return switch (x) {
            case String s -> parseTimestamp(s);
            case Instant i -> i;
            case Long seconds -> {
                Instant instant = Instant.ofEpochSecond(seconds);
                DateTimeHelpers.checkValid(instant);
                yield instant;
            }
            case null, default -> throw noMatchingOverload("timestamp", x);
        };
    }

    /**
     * cel-java's {@code DateTimeHelpers.parse} ({@code OffsetDateTime.parse} and a range check).
     * Timestamps are the costliest thing the standard library evaluates (the RFC 3339 parser of
     * {@code java.time} takes microseconds), so the common shape {@code yyyy-MM-ddTHH:mm:ss[.f]Z}
     * is parsed by hand; anything else, including every string this parser is unsure about, goes
     * to cel-java's parser, which decides.
     */
    static Instant parseTimestamp(String text) {
        Instant common = Rfc3339.parseCommonUtc(text);
        return common != null ? common : DateTimeHelpers.parse(text);
    }

    static Object duration(Object x) {
        return switch (x) {
            case String s -> RuntimeHelpers.createJavaDurationFromString(s);
            case Duration d -> d;
            case null, default -> throw noMatchingOverload("duration", x);
        };
    }

    // ---------------------------------------------------------------- strings

    static Object startsWith(Object x, Object prefix) {
        if (x instanceof String s && prefix instanceof String p) {
            return s.startsWith(p);
        }
        throw noMatchingOverload("startsWith", x, prefix);
    }

    static Object endsWith(Object x, Object suffix) {
        if (x instanceof String s && suffix instanceof String p) {
            return s.endsWith(p);
        }
        throw noMatchingOverload("endsWith", x, suffix);
    }

    static Object contains(Object x, Object part) {
        if (x instanceof String s && part instanceof String p) {
            return s.contains(p);
        }
        throw noMatchingOverload("contains", x, part);
    }

    /** The strings extension's {@code lowerAscii()}: only A-Z change. */
    static Object lowerAscii(Object x) {
        if (x instanceof String s) {
            char[] chars = s.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                if (chars[i] >= 'A' && chars[i] <= 'Z') {
                    chars[i] = (char) (chars[i] + ('a' - 'A'));
                }
            }
            return new String(chars);
        }
        throw noMatchingOverload("lowerAscii", x);
    }

    /** The strings extension's {@code upperAscii()}: only a-z change. */
    static Object upperAscii(Object x) {
        if (x instanceof String s) {
            char[] chars = s.toCharArray();
            for (int i = 0; i < chars.length; i++) {
                if (chars[i] >= 'a' && chars[i] <= 'z') {
                    chars[i] = (char) (chars[i] - ('a' - 'A'));
                }
            }
            return new String(chars);
        }
        throw noMatchingOverload("upperAscii", x);
    }

    /**
     * The strings extension's {@code join()}: Guava's {@code Joiner}, which takes every element's
     * {@code toString()} (a list the checker only knows as {@code dyn} may hold numbers).
     */
    static Object join(Object list, Object separator) {
        if (list instanceof List<?> elements && separator instanceof String s) {
            return joinElements(elements, s);
        }
        throw noMatchingOverload("join", list, separator);
    }

    static Object join(Object list) {
        if (list instanceof List<?> elements) {
            return joinElements(elements, "");
        }
        throw noMatchingOverload("join", list);
    }

    private static String joinElements(Collection<?> elements, String separator) {
        StringBuilder joined = new StringBuilder();
        boolean first = true;
        for (Object element : elements) {
            if (!first) {
                joined.append(separator);
            }
            joined.append(element.toString());
            first = false;
        }
        return joined.toString();
    }
}
