package dev.polity.contracts.cel;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyRule;

import java.util.ArrayList;
import java.util.List;

/**
 * Compiles every CEL expression of a policy document in {@link PolicyCel}: the {@code match}
 * guard and each rule's {@code expression} (booleans) and {@code messageExpression} (a string).
 */
public final class PolicyExpressions {

    private final PolicyCel cel;

    public PolicyExpressions(PolicyCel cel) {
        this.cel = cel;
    }

    /** Every expression that does not compile, in document order; empty when all do. */
    public List<ExpressionProblem> problems(PolicyDocument policy) {
        List<ExpressionProblem> problems = new ArrayList<>();
        if (policy.match() != null) {
            check(policy, null, "match", policy.match(), SimpleType.BOOL, problems);
        }
        for (int i = 0; i < policy.rules().size(); i++) {
            PolicyRule rule = policy.rules().get(i);
            String name = rule.name() == null ? "#" + (i + 1) : rule.name();
            check(policy, name, "rules[" + i + "].expression", rule.expression(), SimpleType.BOOL, problems);
            if (rule.messageExpression() != null) {
                check(policy, name, "rules[" + i + "].messageExpression", rule.messageExpression(), SimpleType.STRING,
                        problems);
            }
        }
        return List.copyOf(problems);
    }

    private void check(PolicyDocument policy, String rule, String field, String expression, CelType type,
                       List<ExpressionProblem> problems) {
        try {
            cel.check(expression, type);
        } catch (CelExpressionException e) {
            problems.add(new ExpressionProblem(policy.id(), rule, field, e.line(), e.column(), e.compilerMessage()));
        }
    }
}
