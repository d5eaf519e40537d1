package dev.polity.sync.common;

/**
 * The result of an idempotent write: the value, and whether this call created it (201) or found
 * it already there with the same content (200).
 */
public record Outcome<T>(T value, boolean created) {

    public static <T> Outcome<T> created(T value) {
        return new Outcome<>(value, true);
    }

    public static <T> Outcome<T> existing(T value) {
        return new Outcome<>(value, false);
    }
}
