package dev.polity.policy.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.parser.CelStandardMacro;
import dev.cel.extensions.CelExtensions;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

/**
 * The CEL environment every policy expression is compiled in: two variables, {@code request}
 * (the governance request) and {@code params} (the policy's parameters), both
 * {@code map(string, dyn)}; the standard library plus the strings and math extensions and a
 * global {@code abs()}. Compiler and runtime are immutable and thread-safe, so one instance
 * serves every bundle.
 */
public final class CelEnvironment {

    /** The Java runtime has no cost estimator; this bounds what one expression can loop over. */
    static final int MAX_COMPREHENSION_ITERATIONS = 10_000;

    private final CelCompiler compiler;
    private final CelRuntime runtime;

    public CelEnvironment() {
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
     * Parses, type-checks and plans one expression.
     *
     * @param expected the result type the caller needs; {@code dyn} results are accepted and
     *                 checked at evaluation time, because fields of a {@code map(string, dyn)}
     *                 are only known then
     * @throws CelCompilationException with the checker's message, naming line and column
     */
    public CelRuntime.Program compile(String expression, CelType expected) {
        CelAbstractSyntaxTree ast;
        try {
            ast = compiler.compile(expression).getAst();
        } catch (CelValidationException e) {
            throw new CelCompilationException(e.getMessage());
        }
        CelType actual = ast.getResultType();
        if (!actual.equals(expected) && !actual.equals(SimpleType.DYN)) {
            throw new CelCompilationException("must evaluate to " + expected.name() + " but evaluates to " + actual.name());
        }
        try {
            return runtime.createProgram(ast);
        } catch (CelEvaluationException e) {
            throw new CelCompilationException(e.getMessage());
        }
    }
}
