package dev.polity.policy.engine;

/** An expression that does not parse or type-check; the message says where and why. */
public class CelCompilationException extends RuntimeException {

    public CelCompilationException(String message) {
        super(message);
    }
}
