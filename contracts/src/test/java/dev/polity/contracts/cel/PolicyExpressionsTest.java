package dev.polity.contracts.cel;

import dev.polity.contracts.policy.PolicyDocuments;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PolicyExpressionsTest {

    private final PolicyExpressions expressions = new PolicyExpressions(new PolicyCel());

    @Test
    void acceptsAPolicyWhoseExpressionsAllCompile() {
        assertThat(expressions.problems(PolicyDocuments.parse("""
                id: ok
                scope: { level: global }
                type: bias
                enforcement: blocking
                match: request.deployment.environment == "production"
                params: { max: 0.1 }
                rules:
                  - name: parity
                    expression: abs(request.model.parity) <= params.max && request.model.name.startsWith("m")
                    messageExpression: '"parity " + string(request.model.parity)'
                """))).isEmpty();
    }

    @Test
    void namesThePolicyTheRuleThePositionAndTheCompilerMessage() {
        List<ExpressionProblem> problems = expressions.problems(PolicyDocuments.parse("""
                id: broken
                scope: { level: global }
                type: bias
                enforcement: blocking
                rules:
                  - name: fine
                    expression: "true"
                    message: m
                  - name: parity
                    expression: request.model.parity <= && true
                    message: m
                """));
        assertThat(problems).hasSize(1);
        ExpressionProblem problem = problems.get(0);
        assertThat(problem.policyId()).isEqualTo("broken");
        assertThat(problem.rule()).isEqualTo("parity");
        assertThat(problem.field()).isEqualTo("rules[1].expression");
        assertThat(problem.line()).isEqualTo(1);
        assertThat(problem.column()).isEqualTo(25);
        assertThat(problem.message()).isNotBlank();
        assertThat(problem.describe()).startsWith("policy 'broken' rule 'parity' (rules[1].expression) at line 1, column 25: ");
    }

    @Test
    void rejectsUnknownFunctionsAndWrongResultTypes() {
        List<ExpressionProblem> problems = expressions.problems(PolicyDocuments.parse("""
                id: typed
                scope: { level: global }
                type: bias
                enforcement: blocking
                match: size("abc")
                rules:
                  - name: unknown-function
                    expression: frobnicate(request.model)
                    message: m
                """));
        assertThat(problems).extracting(ExpressionProblem::field).containsExactly("match", "rules[0].expression");
        assertThat(problems.get(0).message()).contains("bool");
        assertThat(problems.get(1).message()).contains("frobnicate");
    }
}
