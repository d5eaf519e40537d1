package dev.polity.policy.engine;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.types.CelType;
import dev.cel.runtime.CelRuntime;
import dev.polity.contracts.cel.CelExpressionException;
import dev.polity.contracts.cel.PolicyCel;

/**
 * The node's view of the one CEL environment policies are compiled in ({@link PolicyCel}, shared
 * with the central authority's submit-time check, so a policy the central authority accepts is
 * exactly one a node can run). Thread-safe; one instance serves every bundle.
 *
 * <p>Every expression is parsed, type-checked and planned by cel-java, so what compiles, and the
 * errors of what does not, are cel-java's. It is then evaluated by the {@link ClosureCompiler}'s
 * compiled form when the whole expression is in the subset that compiler supports (every
 * standard-library expression is), and by cel-java's interpreter otherwise.
 */
public final class CelEnvironment {

    /** Which engine evaluates the expressions this environment compiles. */
    public enum Mode {
        /** Closure-compiled where possible, cel-java's interpreter for the rest: what the node runs. */
        CLOSURE_WITH_CEL_JAVA_FALLBACK,
        /** cel-java's interpreter for everything: for comparison (benchmark, differential tests). */
        CEL_JAVA_ONLY
    }

    private final PolicyCel cel = new PolicyCel();
    private final Mode mode;

    public CelEnvironment() {
        this(Mode.CLOSURE_WITH_CEL_JAVA_FALLBACK);
    }

    public CelEnvironment(Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /**
     * Parses, type-checks and compiles one expression.
     *
     * @param expected the result type the caller needs; {@code dyn} results are accepted and
     *                 checked at evaluation time
     * @throws CelCompilationException naming line, column and the compiler's message
     */
    public CompiledExpression compile(String expression, CelType expected) {
        CelAbstractSyntaxTree checked;
        CelRuntime.Program program;
        try {
            checked = cel.check(expression, expected);
            // Planned even when the closure compiler takes the expression, so that what a node
            // accepts does not depend on which engine evaluates it.
            program = cel.plan(checked);
        } catch (CelExpressionException e) {
            throw new CelCompilationException(e.getMessage());
        }
        if (mode == Mode.CEL_JAVA_ONLY) {
            return new CelJavaExpression(expression, program, "this environment evaluates everything with cel-java");
        }
        try {
            return ClosureCompiler.compile(expression, checked);
        } catch (ClosureCompiler.UnsupportedExpressionException e) {
            return new CelJavaExpression(expression, program, e.getMessage());
        }
    }
}
