package dev.polity.support.problem;

/** One wrong input: the field path as the client wrote it (e.g. {@code model_metadata.version}) and what is wrong. */
public record FieldError(String field, String problem) {
}
