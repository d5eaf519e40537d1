package dev.polity.support.problem;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/**
 * An RFC 9457 problem detail, the body of every error Polity returns
 * ({@code application/problem+json}). Never carries stack traces or class names.
 *
 * @param type   a URN naming the kind of problem, stable for clients to switch on
 * @param errors for validation problems, every field that is wrong
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record Problem(String type, String title, int status, String detail, String instance, List<FieldError> errors) {

    public static final String MEDIA_TYPE = "application/problem+json";
    /** Every problem type is this prefix and a slug, e.g. {@code urn:polity:problem:tenant-mismatch}. */
    public static final String TYPE_PREFIX = "urn:polity:problem:";

    public static Problem of(int status, String slug, String title, String detail, String instance, List<FieldError> errors) {
        return new Problem(TYPE_PREFIX + slug, title, status, detail, instance, errors);
    }

    /** The answer for a {@link ProblemException} at {@code instance}. */
    public static Problem of(ProblemException e, String instance) {
        return of(e.status(), e.slug(), e.title(), e.getMessage(), instance, e.errors());
    }
}
