package dev.polity.policy.engine;

import dev.cel.common.types.CelType;
import dev.cel.runtime.CelRuntime;
import dev.polity.contracts.cel.CelExpressionException;
import dev.polity.contracts.cel.PolicyCel;

/**
 * The node's view of the one CEL environment policies are compiled in ({@link PolicyCel}, shared
 * with the central authority's submit-time check, so a policy the central authority accepts is
 * exactly one a node can run). Thread-safe; one instance serves every bundle.
 */
public final class CelEnvironment {

    private final PolicyCel cel = new PolicyCel();

    /**
     * Parses, type-checks and plans one expression.
     *
     * @param expected the result type the caller needs; {@code dyn} results are accepted and
     *                 checked at evaluation time
     * @throws CelCompilationException naming line, column and the compiler's message
     */
    public CelRuntime.Program compile(String expression, CelType expected) {
        try {
            return cel.compile(expression, expected);
        } catch (CelExpressionException e) {
            throw new CelCompilationException(e.getMessage());
        }
    }
}
