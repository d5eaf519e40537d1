package dev.polity.gateway.http;

import dev.polity.support.problem.Problem;
import jakarta.ws.rs.core.Response;

import java.time.Duration;
import java.util.List;

/**
 * Problem responses the gateway builds itself, for the cases where it needs a header on them
 * ({@code Retry-After}) and therefore answers instead of throwing a {@code ProblemException}. Same
 * shape and type URNs as service-support's mapping table.
 */
public final class Problems {

    private Problems() {
    }

    /** {@code Retry-After} in whole seconds, rounded up, at least 1. */
    public static String retryAfterSeconds(Duration retryAfter) {
        return String.valueOf(Math.max(1, (retryAfter.toMillis() + 999) / 1000));
    }

    public static Response response(int status, String slug, String title, String detail, String instance, Duration retryAfter) {
        Response.ResponseBuilder builder = Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, slug, title, detail, instance, List.of()));
        if (retryAfter != null) {
            builder.header("Retry-After", retryAfterSeconds(retryAfter));
        }
        return builder.build();
    }
}
