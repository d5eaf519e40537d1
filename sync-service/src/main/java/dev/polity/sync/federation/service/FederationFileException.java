package dev.polity.sync.federation.service;

/** A federation file that cannot be imported; names the line (1-based) and the field. */
public class FederationFileException extends RuntimeException {

    private final int line;
    private final String field;

    public FederationFileException(int line, String field, String problem) {
        super("line " + line + (field == null ? "" : " (" + field + ")") + ": " + problem);
        this.line = line;
        this.field = field;
    }

    public int line() {
        return line;
    }

    public String field() {
        return field;
    }
}
