package dev.polity.policy.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.ast.CelReference;
import dev.cel.common.types.CelKind;
import dev.polity.policy.engine.CelOperations.Ordering;
import dev.polity.policy.engine.ClosureNodes.AppendToAccumulator;
import dev.polity.policy.engine.ClosureNodes.BinaryCall;
import dev.polity.policy.engine.ClosureNodes.BinaryFunction;
import dev.polity.policy.engine.ClosureNodes.Comprehension;
import dev.polity.policy.engine.ClosureNodes.Conditional;
import dev.polity.policy.engine.ClosureNodes.Constant;
import dev.polity.policy.engine.ClosureNodes.InStringConstants;
import dev.polity.policy.engine.ClosureNodes.ListLiteral;
import dev.polity.policy.engine.ClosureNodes.LocalVariable;
import dev.polity.policy.engine.ClosureNodes.Logical;
import dev.polity.policy.engine.ClosureNodes.MapLiteral;
import dev.polity.policy.engine.ClosureNodes.Node;
import dev.polity.policy.engine.ClosureNodes.Not;
import dev.polity.policy.engine.ClosureNodes.NotStrictlyFalse;
import dev.polity.policy.engine.ClosureNodes.ParamsVariable;
import dev.polity.policy.engine.ClosureNodes.Presence;
import dev.polity.policy.engine.ClosureNodes.RequestVariable;
import dev.polity.policy.engine.ClosureNodes.Select;
import dev.polity.policy.engine.ClosureNodes.UnaryCall;
import dev.polity.policy.engine.ClosureNodes.UnaryFunction;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Compiles a type-checked CEL expression into a tree of {@link ClosureNodes} that evaluate
 * directly against the request's maps, for the subset of CEL policies use: constants (null, bool,
 * int, double, string), the {@code request} and {@code params} variables, field selection and
 * {@code has()}, list and map literals, comprehensions (so every macro: {@code all},
 * {@code exists}, {@code exists_one}, {@code map}, {@code filter}), the logical operators, and the
 * functions in {@link #FUNCTIONS}.
 *
 * <p>cel-java's interpreter walks the syntax tree on every evaluation, looking up each node's
 * reference and type in maps and choosing among a function's overloads with streams; here all of
 * that happens once, at compile time. A function call is resolved to one Java implementation per
 * function name ({@link CelOperations}), which dispatches on the runtime types of its arguments
 * as cel-java does for {@code dyn} arguments; the checker's overload ids only confirm that the
 * call is one of the supported overloads.
 *
 * <p>An expression with anything else (a function not listed, uint or bytes values, messages,
 * two-variable comprehensions...) is not compiled: {@link #compile} throws
 * {@link UnsupportedExpressionException} and the caller evaluates it with cel-java.
 */
final class ClosureCompiler {

    /** Why an expression cannot be closure-compiled; it is then evaluated by cel-java. */
    static final class UnsupportedExpressionException extends Exception {
        UnsupportedExpressionException(String message) {
            super(message);
        }
    }

    /**
     * How calls of one function compile.
     *
     * @param overloadIds            the overloads the implementation covers
     * @param unreachableOverloadIds overloads the checker lists as candidates for {@code dyn}
     *                               arguments but which only apply to uint and bytes values, which a
     *                               closure-compiled expression can never see (it compiles no uint or
     *                               bytes constant or conversion, and requests hold none)
     * @param unary                  the implementation for one argument (receiver included), or null
     * @param binary                 the implementation for two arguments, or null
     */
    private record Function(Set<String> overloadIds, Set<String> unreachableOverloadIds,
                            UnaryFunction unary, BinaryFunction binary) {

        static Function unary(UnaryFunction implementation, Set<String> overloadIds, Set<String> unreachable) {
            return new Function(overloadIds, unreachable, implementation, null);
        }

        static Function binary(BinaryFunction implementation, Set<String> overloadIds, Set<String> unreachable) {
            return new Function(overloadIds, unreachable, null, implementation);
        }
    }

    /** The functions closure-compiled, by CEL function name (the logical operators are compiled separately). */
    private static final Map<String, Function> FUNCTIONS = Map.ofEntries(
            Map.entry("_==_", Function.binary((x, y) -> CelOperations.equal(x, y), Set.of("equals"), Set.of())),
            Map.entry("_!=_", Function.binary((x, y) -> !CelOperations.equal(x, y), Set.of("not_equals"), Set.of())),
            Map.entry("_<_", ordering(Ordering.LESS, "less")),
            Map.entry("_<=_", ordering(Ordering.LESS_EQUALS, "less_equals")),
            Map.entry("_>_", ordering(Ordering.GREATER, "greater")),
            Map.entry("_>=_", ordering(Ordering.GREATER_EQUALS, "greater_equals")),
            Map.entry("_+_", Function.binary(CelOperations::add,
                    Set.of("add_int64", "add_double", "add_string", "add_list", "add_timestamp_duration",
                            "add_duration_timestamp", "add_duration_duration"),
                    Set.of("add_uint64", "add_bytes"))),
            Map.entry("_-_", Function.binary(CelOperations::subtract,
                    Set.of("subtract_int64", "subtract_double", "subtract_timestamp_timestamp",
                            "subtract_timestamp_duration", "subtract_duration_duration"),
                    Set.of("subtract_uint64"))),
            Map.entry("_*_", Function.binary(CelOperations::multiply,
                    Set.of("multiply_int64", "multiply_double"), Set.of("multiply_uint64"))),
            Map.entry("_/_", Function.binary(CelOperations::divide,
                    Set.of("divide_int64", "divide_double"), Set.of("divide_uint64"))),
            Map.entry("_%_", Function.binary(CelOperations::modulo, Set.of("modulo_int64"), Set.of("modulo_uint64"))),
            Map.entry("-_", Function.unary(CelOperations::negate, Set.of("negate_int64", "negate_double"), Set.of())),
            Map.entry("@in", Function.binary((x, y) -> CelOperations.in(x, y), Set.of("in_list", "in_map"), Set.of())),
            Map.entry("_[_]", Function.binary(CelOperations::index, Set.of("index_list", "index_map"), Set.of())),
            Map.entry("size", Function.unary(CelOperations::size,
                    Set.of("size_string", "size_list", "size_map", "string_size", "list_size", "map_size"),
                    Set.of("size_bytes", "bytes_size"))),
            Map.entry("string", Function.unary(CelOperations::string,
                    Set.of("string_to_string", "int64_to_string", "double_to_string", "bool_to_string",
                            "timestamp_to_string", "duration_to_string"),
                    Set.of("uint64_to_string", "bytes_to_string"))),
            Map.entry("int", Function.unary(CelOperations::toInt,
                    Set.of("int64_to_int64", "double_to_int64", "string_to_int64", "timestamp_to_int64"),
                    Set.of("uint64_to_int64"))),
            Map.entry("double", Function.unary(CelOperations::toDouble,
                    Set.of("double_to_double", "int64_to_double", "string_to_double"), Set.of("uint64_to_double"))),
            Map.entry("timestamp", Function.unary(CelOperations::timestamp,
                    Set.of("string_to_timestamp", "timestamp_to_timestamp", "int64_to_timestamp"), Set.of())),
            Map.entry("duration", Function.unary(CelOperations::duration,
                    Set.of("string_to_duration", "duration_to_duration"), Set.of())),
            Map.entry("startsWith", Function.binary(CelOperations::startsWith, Set.of("starts_with_string"), Set.of())),
            Map.entry("endsWith", Function.binary(CelOperations::endsWith, Set.of("ends_with_string"), Set.of())),
            Map.entry("contains", Function.binary(CelOperations::contains, Set.of("contains_string"), Set.of())),
            Map.entry("lowerAscii", Function.unary(CelOperations::lowerAscii, Set.of("string_lower_ascii"), Set.of())),
            Map.entry("upperAscii", Function.unary(CelOperations::upperAscii, Set.of("string_upper_ascii"), Set.of())),
            Map.entry("join", new Function(Set.of("list_join", "list_join_string"), Set.of(),
                    CelOperations::join, CelOperations::join)),
            Map.entry("abs", Function.unary(CelOperations::abs, Set.of("abs_int", "abs_double"), Set.of())));

    private static Function ordering(Ordering ordering, String prefix) {
        Set<String> supported = new HashSet<>();
        for (String types : List.of("bool", "int64", "double", "string", "timestamp", "duration", "int64_double", "double_int64")) {
            supported.add(prefix + "_" + types);
        }
        Set<String> unreachable = new HashSet<>();
        for (String types : List.of("uint64", "bytes", "int64_uint64", "uint64_int64", "uint64_double", "double_uint64")) {
            unreachable.add(prefix + "_" + types);
        }
        return Function.binary((x, y) -> CelOperations.compare(ordering, x, y), Set.copyOf(supported), Set.copyOf(unreachable));
    }

    /** The comprehension variables in scope, innermost first, each with its slot in {@code Frame.locals}. */
    private record Scope(String name, int slot, Scope outer) {
        static Optional<Integer> slotOf(Scope scope, String name) {
            for (Scope s = scope; s != null; s = s.outer) {
                if (s.name.equals(name)) {
                    return Optional.of(s.slot);
                }
            }
            return Optional.empty();
        }
    }

    private static final Node REQUEST = new RequestVariable();
    private static final Node PARAMS = new ParamsVariable();

    private final CelAbstractSyntaxTree ast;
    private final Map<Long, Integer> positions;
    private int slots;
    /**
     * While compiling the loop step of a comprehension whose accumulator starts as {@code []}
     * ({@code map()}, {@code filter()}): the accumulator's slot, so that {@code @result + [e]}
     * appends in place; -1 otherwise.
     */
    private int appendableAccumulatorSlot = -1;

    private ClosureCompiler(CelAbstractSyntaxTree ast) {
        this.ast = ast;
        this.positions = ast.getSource().getPositionsMap();
    }

    /**
     * @param checked an expression type-checked in {@link dev.polity.contracts.cel.PolicyCel}'s environment
     * @throws UnsupportedExpressionException naming the first construct outside the supported subset
     */
    static ClosureExpression compile(String expression, CelAbstractSyntaxTree checked) throws UnsupportedExpressionException {
        if (!checked.isChecked()) {
            throw new UnsupportedExpressionException("the expression is not type-checked");
        }
        ClosureCompiler compiler = new ClosureCompiler(checked);
        Node root = compiler.compile(checked.getExpr(), null);
        return new ClosureExpression(expression, root, compiler.slots);
    }

    private Node compile(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        return switch (expr.getKind()) {
            case CONSTANT -> new Constant(constant(expr.constant()));
            case IDENT -> ident(expr, scope);
            case SELECT -> select(expr, scope);
            case CALL -> call(expr, scope);
            case LIST -> list(expr, scope);
            case MAP -> map(expr, scope);
            case COMPREHENSION -> comprehension(expr, scope);
            default -> throw new UnsupportedExpressionException(expr.getKind() + " expressions are not supported");
        };
    }

    private int position(CelExpr expr) {
        Integer position = positions.get(expr.id());
        return position == null ? -1 : position;
    }

    private static Object constant(CelConstant constant) throws UnsupportedExpressionException {
        return switch (constant.getKind()) {
            case NULL_VALUE -> constant.nullValue();
            case BOOLEAN_VALUE -> constant.booleanValue();
            case INT64_VALUE -> constant.int64Value();
            case DOUBLE_VALUE -> constant.doubleValue();
            case STRING_VALUE -> constant.stringValue();
            default -> throw new UnsupportedExpressionException(constant.getKind() + " constants are not supported");
        };
    }

    private Node ident(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        String name = expr.ident().name();
        Optional<CelReference> reference = ast.getReference(expr.id());
        if (reference.isPresent() && reference.get().value().isPresent()) {
            throw new UnsupportedExpressionException("enum constant '" + name + "' is not supported");
        }
        if (ast.getType(expr.id()).map(type -> type.kind() == CelKind.TYPE).orElse(false)) {
            throw new UnsupportedExpressionException("type '" + name + "' as a value is not supported");
        }
        Optional<Integer> slot = Scope.slotOf(scope, name);
        if (slot.isPresent()) {
            return new LocalVariable(name, slot.get());
        }
        return switch (name) {
            case "request" -> REQUEST;
            case "params" -> PARAMS;
            default -> throw new UnsupportedExpressionException("variable '" + name + "' is not supported");
        };
    }

    private Node select(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        CelExpr.CelSelect select = expr.select();
        if (ast.getReference(expr.id()).isPresent()) {
            // The checker resolved "a.b.c" as one qualified name (a variable or constant declared
            // with dots); the environment declares none, but do not guess.
            throw new UnsupportedExpressionException("qualified name '" + select.field() + "' is not supported");
        }
        Node operand = compile(select.operand(), scope);
        // Interned: Jackson interns the field names of the JSON it parses, so a request's keys are
        // usually the very same String objects and the map lookup's equals() is an identity check
        // (field lookups are most of what policies do).
        String field = select.field().intern();
        return select.testOnly()
                ? new Presence(operand, field, position(expr))
                : new Select(operand, field, position(expr));
    }

    private Node call(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        CelExpr.CelCall call = expr.call();
        String function = call.function();
        List<String> overloadIds = ast.getReference(expr.id()).map(CelReference::overloadIds).orElse(null);
        if (overloadIds == null || overloadIds.isEmpty()) {
            throw new UnsupportedExpressionException("call of '" + function + "' without resolved overloads");
        }
        List<CelExpr> arguments = new ArrayList<>(call.args().size() + 1);
        call.target().ifPresent(arguments::add);
        arguments.addAll(call.args());
        int position = position(expr);

        switch (function) {
            case "_&&_" -> {
                requireOverloads(function, overloadIds, Set.of("logical_and"), arguments, 2);
                return Logical.and(compile(arguments.get(0), scope), position(arguments.get(0)),
                        compile(arguments.get(1), scope), position(arguments.get(1)));
            }
            case "_||_" -> {
                requireOverloads(function, overloadIds, Set.of("logical_or"), arguments, 2);
                return Logical.or(compile(arguments.get(0), scope), position(arguments.get(0)),
                        compile(arguments.get(1), scope), position(arguments.get(1)));
            }
            case "_?_:_" -> {
                requireOverloads(function, overloadIds, Set.of("conditional"), arguments, 3);
                return new Conditional(compile(arguments.get(0), scope), compile(arguments.get(1), scope),
                        compile(arguments.get(2), scope), position(arguments.get(0)));
            }
            case "!_" -> {
                requireOverloads(function, overloadIds, Set.of("logical_not"), arguments, 1);
                return new Not(compile(arguments.get(0), scope), position);
            }
            case "@not_strictly_false" -> {
                requireOverloads(function, overloadIds, Set.of("not_strictly_false"), arguments, 1);
                return new NotStrictlyFalse(compile(arguments.get(0), scope));
            }
            case "dyn" -> {
                requireOverloads(function, overloadIds, Set.of("to_dyn"), arguments, 1);
                return compile(arguments.get(0), scope); // the identity at run time
            }
            default -> {
            }
        }

        Function implementation = FUNCTIONS.get(function);
        if (implementation == null) {
            throw new UnsupportedExpressionException("function '" + function + "' is not supported");
        }
        boolean anySupported = false;
        for (String id : overloadIds) {
            if (implementation.overloadIds().contains(id)) {
                anySupported = true;
            } else if (!implementation.unreachableOverloadIds().contains(id)) {
                throw new UnsupportedExpressionException("overload '" + id + "' of '" + function + "' is not supported");
            }
        }
        if (!anySupported) {
            throw new UnsupportedExpressionException("overloads " + overloadIds + " of '" + function + "' are not supported");
        }
        if (arguments.size() == 1 && implementation.unary() != null) {
            return new UnaryCall(function, implementation.unary(), compile(arguments.get(0), scope), position);
        }
        if (arguments.size() == 2 && implementation.binary() != null) {
            if (function.equals("_+_") && isAppendToAccumulator(arguments, scope)) {
                return new AppendToAccumulator(appendableAccumulatorSlot,
                        compile(arguments.get(1).list().elements().getFirst(), scope));
            }
            if (function.equals("@in") && isStringConstantList(arguments.get(1))) {
                return new InStringConstants(compile(arguments.get(0), scope), stringConstants(arguments.get(1)));
            }
            BinaryFunction binary = implementation.binary();
            if (function.equals("_[_]") && overloadIds.size() == 1) {
                // The one function whose runtime binding accepts more than its declaration: cel-java
                // indexes lists by any number, but the checker drops index_list from the candidates
                // when the index is a double, and then list[1.0] has no matching overload.
                binary = overloadIds.contains("index_list") ? CelOperations::indexList : CelOperations::indexMap;
            }
            return new BinaryCall(function, binary, compile(arguments.get(0), scope),
                    compile(arguments.get(1), scope), position);
        }
        throw new UnsupportedExpressionException("'" + function + "' with " + arguments.size() + " arguments is not supported");
    }

    /** Whether {@code arguments} of {@code _+_} are the appendable accumulator and a one-element list literal. */
    private boolean isAppendToAccumulator(List<CelExpr> arguments, Scope scope) {
        CelExpr accumulator = arguments.get(0);
        CelExpr list = arguments.get(1);
        return appendableAccumulatorSlot >= 0
                && accumulator.getKind() == CelExpr.ExprKind.Kind.IDENT
                && Scope.slotOf(scope, accumulator.ident().name()).orElse(-1) == appendableAccumulatorSlot
                && list.getKind() == CelExpr.ExprKind.Kind.LIST
                && list.list().elements().size() == 1 && list.list().optionalIndices().isEmpty();
    }

    private static void requireOverloads(String function, List<String> overloadIds, Set<String> expected,
                                         List<CelExpr> arguments, int arity) throws UnsupportedExpressionException {
        if (!expected.containsAll(overloadIds) || arguments.size() != arity) {
            throw new UnsupportedExpressionException("'" + function + "' with overloads " + overloadIds
                    + " and " + arguments.size() + " arguments is not supported");
        }
    }

    private static boolean isStringConstantList(CelExpr expr) {
        if (expr.getKind() != CelExpr.ExprKind.Kind.LIST || !expr.list().optionalIndices().isEmpty()) {
            return false;
        }
        for (CelExpr element : expr.list().elements()) {
            if (element.getKind() != CelExpr.ExprKind.Kind.CONSTANT
                    || element.constant().getKind() != CelConstant.Kind.STRING_VALUE) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> stringConstants(CelExpr list) {
        Set<String> strings = new HashSet<>();
        for (CelExpr element : list.list().elements()) {
            strings.add(element.constant().stringValue());
        }
        return Set.copyOf(strings);
    }

    private Node list(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        CelExpr.CelList list = expr.list();
        if (!list.optionalIndices().isEmpty()) {
            throw new UnsupportedExpressionException("optional list elements are not supported");
        }
        List<Node> elements = new ArrayList<>(list.elements().size());
        for (CelExpr element : list.elements()) {
            elements.add(compile(element, scope));
        }
        return new ListLiteral(List.copyOf(elements));
    }

    private Node map(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        List<Node> keys = new ArrayList<>();
        List<Node> values = new ArrayList<>();
        for (CelExpr.CelMap.Entry entry : expr.map().entries()) {
            if (entry.optionalEntry()) {
                throw new UnsupportedExpressionException("optional map entries are not supported");
            }
            keys.add(compile(entry.key(), scope));
            values.add(compile(entry.value(), scope));
        }
        return new MapLiteral(List.copyOf(keys), List.copyOf(values), position(expr));
    }

    private Node comprehension(CelExpr expr, Scope scope) throws UnsupportedExpressionException {
        CelExpr.CelComprehension comprehension = expr.comprehension();
        if (comprehension.iterVar2() != null && !comprehension.iterVar2().isEmpty()) {
            throw new UnsupportedExpressionException("two-variable comprehensions are not supported");
        }
        // The range and the accumulator's initial value are evaluated outside the loop's scope.
        Node iterRange = compile(comprehension.iterRange(), scope);
        Node accuInit = compile(comprehension.accuInit(), scope);
        int iterSlot = slots++;
        int accuSlot = slots++;
        Scope loopScope = new Scope(comprehension.iterVar(), iterSlot, new Scope(comprehension.accuVar(), accuSlot, scope));
        Node loopCondition = compile(comprehension.loopCondition(), loopScope);
        int outerAppendableSlot = appendableAccumulatorSlot;
        CelExpr init = comprehension.accuInit();
        boolean startsEmpty = init.getKind() == CelExpr.ExprKind.Kind.LIST && init.list().elements().isEmpty();
        appendableAccumulatorSlot = startsEmpty ? accuSlot : -1;
        Node loopStep = compile(comprehension.loopStep(), loopScope);
        appendableAccumulatorSlot = outerAppendableSlot;
        // The result sees the accumulator but no longer the iteration variable (as in cel-java).
        Node result = compile(comprehension.result(), new Scope(comprehension.accuVar(), accuSlot, scope));
        return new Comprehension(iterRange, position(comprehension.iterRange()), iterSlot, accuSlot, accuInit,
                loopCondition, position(comprehension.loopCondition()), loopStep, result);
    }
}
