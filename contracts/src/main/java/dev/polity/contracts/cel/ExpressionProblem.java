package dev.polity.contracts.cel;

/**
 * One expression of a policy that does not compile.
 *
 * @param policyId the policy
 * @param rule     the rule's name, or {@code null} for the policy's {@code match} guard
 * @param field    where in the document, e.g. {@code rules[1].expression}, {@code match}
 * @param line     1-based line within the expression
 * @param column   1-based column within the line
 * @param message  the compiler's message
 */
public record ExpressionProblem(String policyId, String rule, String field, int line, int column, String message) {

    /** {@code policy 'x' rule 'y' (rules[0].expression) line 1, column 5: message}. */
    public String describe() {
        return "policy '" + policyId + "' " + (rule == null ? "match guard" : "rule '" + rule + "'")
                + " (" + field + ") at line " + line + ", column " + column + ": " + message;
    }
}
