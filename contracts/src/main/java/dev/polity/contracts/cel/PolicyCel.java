package dev.polity.contracts.cel;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelIssue;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * The one CEL environment every policy expression is compiled in, by the central authority when a
 * policy is submitted and by every policy node when a bundle is activated, so that what the
 * central authority accepts is exactly what nodes can run: two variables, {@code request} (the
 * governance request) and {@code params} (the policy's parameters), both {@code map(string, dyn)};
 * the standard library and macros, the strings and math extensions and a global {@code abs()}.
 * Compiler and runtime are immutable and thread-safe: one instance serves every caller.
 *
 * <p>Needs {@code dev.cel:cel} on the class path; {@code contracts} declares it optional, so only
 * modules that compile CEL (sync-service, policy-service) carry it.
 */
public final class PolicyCel {

    /** The Java runtime has no cost estimator; this bounds what one expression can loop over. */
    public static final int MAX_COMPREHENSION_ITERATIONS = 10_000;

    private final CelCompiler compiler;
    private final CelRuntime runtime;

    public PolicyCel() {
        CelOptions options = CelOptions.current()
                .enableHeterogeneousNumericComparisons(true) // JSON gives 1 and 1.0 alike; 0.04 <= 1 must work
                .comprehensionMaxIterations(MAX_COMPREHENSION_ITERATIONS)
                .build();
        MapType jsonObject = MapType.create(SimpleType.STRING, SimpleType.DYN);
        this.compiler = CelCompilerFactory.standardCelCompilerBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS) // has(), all(), exists(), map(), filter()
                .addVar("request", jsonObject)
                .addVar("params", jsonObject)
                .addLibraries(CelExtensions.strings(), CelExtensions.math(options))
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("abs",
                        CelOverloadDecl.newGlobalOverload("abs_double", SimpleType.DOUBLE, SimpleType.DOUBLE),
                        CelOverloadDecl.newGlobalOverload("abs_int", SimpleType.INT, SimpleType.INT)))
                .build();
        this.runtime = CelRuntimeFactory.standardCelRuntimeBuilder()
                .setOptions(options)
                .addLibraries(CelExtensions.strings(), CelExtensions.math(options))
                .addFunctionBindings(
                        CelFunctionBinding.from("abs_double", Double.class, value -> Math.abs(value)),
                        CelFunctionBinding.from("abs_int", Long.class, value -> Math.abs(value)))
                .build();
    }

    /**
     * Parses and type-checks one expression without planning it.
     *
     * @param expected the result type the caller needs; {@code dyn} results are accepted (fields of
     *                 a {@code map(string, dyn)} are only known at evaluation time)
     * @throws CelExpressionException naming the line, the column and the compiler's message
     */
    public CelAbstractSyntaxTree check(String expression, CelType expected) {
        if (expression == null || expression.isBlank()) {
            throw new CelExpressionException(1, 1, "the expression is empty");
        }
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(expression).getAst();
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().isEmpty() ? null : e.getErrors().get(0);
            if (first == null) {
                throw new CelExpressionException(1, 1, e.getMessage());
            }
            CelSourceLocation location = first.getSourceLocation();
            boolean known = location != null && location != CelSourceLocation.NONE && location.getLine() > 0;
            throw new CelExpressionException(known ? location.getLine() : 1, known ? location.getColumn() + 1 : 1,
                    first.getMessage());
        }
        CelType actual = ast.getResultType();
        if (!actual.equals(expected) && !actual.equals(SimpleType.DYN)) {
            throw new CelExpressionException(1, 1,
                    "must evaluate to " + expected.name() + " but evaluates to " + actual.name());
        }
        return ast;
    }

    /** Parses, type-checks and plans one expression for evaluation. */
    public CelRuntime.Program compile(String expression, CelType expected) {
        return plan(check(expression, expected));
    }

    /**
     * Plans an expression {@link #check} returned, for callers that need both the checked syntax
     * tree and cel-java's program (the policy node compiles the tree itself where it can and
     * keeps the program for everything else).
     */
    public CelRuntime.Program plan(CelAbstractSyntaxTree checked) {
        try {
            return runtime.createProgram(checked);
        } catch (CelEvaluationException e) {
            throw new CelExpressionException(1, 1, e.getMessage());
        }
    }
}
