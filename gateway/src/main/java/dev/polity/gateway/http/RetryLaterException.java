package dev.polity.gateway.http;

import dev.polity.support.problem.ProblemException;

import java.time.Duration;
import java.util.List;

/** A problem the client should retry after a while: a service that is down, a circuit that is open, a quota used up. */
public class RetryLaterException extends ProblemException {

    private final Duration retryAfter;

    public RetryLaterException(int status, String slug, String title, String detail, Duration retryAfter) {
        super(status, slug, title, detail, List.of());
        this.retryAfter = retryAfter;
    }

    public static RetryLaterException unavailable(String detail, Duration retryAfter) {
        return new RetryLaterException(503, "unavailable", "Service unavailable", detail, retryAfter);
    }

    public Duration retryAfter() {
        return retryAfter;
    }
}
