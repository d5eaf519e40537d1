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
}
