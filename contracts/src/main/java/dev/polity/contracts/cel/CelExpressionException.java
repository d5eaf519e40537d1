package dev.polity.contracts.cel;

/**
 * An expression that does not parse or type-check.
 *
 * @see PolicyCel#check
 */
public class CelExpressionException extends RuntimeException {

    private final int line;
    private final int column;
    private final String compilerMessage;

    public CelExpressionException(int line, int column, String compilerMessage) {
        super("line " + line + ", column " + column + ": " + compilerMessage);
        this.line = line;
        this.column = column;
        this.compilerMessage = compilerMessage;
    }

    /** 1-based line within the expression. */
    public int line() {
        return line;
    }

    /** 1-based column within the line. */
    public int column() {
        return column;
    }

    /** What the CEL parser or checker said, without the position. */
    public String compilerMessage() {
        return compilerMessage;
    }
}
