package dev.polity.sync.authoring.service;

import dev.polity.contracts.cel.ExpressionProblem;
import dev.polity.contracts.cel.PolicyCel;
import dev.polity.contracts.cel.PolicyExpressions;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/**
 * Compiles every CEL expression of a submitted policy in contracts' {@link PolicyCel}, the
 * environment policy nodes compile bundles in, so a policy the central authority accepts is one
 * every node can activate.
 */
@ApplicationScoped
public class ExpressionChecker {

    private final PolicyExpressions expressions = new PolicyExpressions(new PolicyCel());

    /** @throws ProblemException 422 naming the policy, the rule, the position and the compiler's message */
    public void requireCompiles(PolicyDocument policy) {
        List<ExpressionProblem> problems = expressions.problems(policy);
        if (problems.isEmpty()) {
            return;
        }
        String detail = problems.get(0).describe()
                + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more)" : "");
        List<FieldError> errors = problems.stream().map(p -> new FieldError(p.field(), p.describe())).toList();
        throw new ProblemException(422, "invalid-expression", "Policy expression does not compile", detail, errors);
    }
}
