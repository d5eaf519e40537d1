package dev.polity.policy.engine;

import dev.polity.policy.engine.ClosureNodes.Frame;
import dev.polity.policy.engine.ClosureNodes.Node;

import java.util.Map;

/**
 * An expression {@link ClosureCompiler} compiled: a tree of {@link ClosureNodes} evaluated
 * directly against the request's maps, with every function resolved to its Java implementation
 * when the bundle was compiled.
 *
 * @param localSlots how many comprehension variables the expression has (two per comprehension)
 */
record ClosureExpression(String expression, Node root, int localSlots) implements CompiledExpression {

    private static final Object[] NO_LOCALS = new Object[0];

    @Override
    public Object evaluate(Map<String, Object> request, Map<String, Object> params) throws ExpressionEvaluationException {
        Frame frame = new Frame(request, params, localSlots == 0 ? NO_LOCALS : new Object[localSlots]);
        try {
            return root.eval(frame);
        } catch (EvaluationError e) {
            throw new ExpressionEvaluationException(e.describe());
        } catch (RuntimeException e) {
            // Not expected (every node reports CEL errors as EvaluationError), but a rule must fail
            // closed rather than fail the whole decision.
            throw new ExpressionEvaluationException("evaluation error: " + e);
        }
    }

    @Override
    public Engine engine() {
        return Engine.CLOSURE;
    }
}
