package dev.polity.sync.federation.service;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as federation files write them: {@code 500ms}, {@code 30s}, {@code 5m}, {@code 1h}, {@code 24h}, {@code 7d}, {@code 2w}, {@code 7y}. */
public final class Durations {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d|w|y)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming the accepted forms */
    public static Duration parse(String text) {
        Matcher matcher = text == null ? null : DURATION.matcher(text.trim());
        if (matcher == null || !matcher.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (a number and one of ms, s, m, h, d, w, y,"
                    + " e.g. 5m, 1h, 24h, 7y)");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            case "d" -> Duration.ofDays(amount);
            case "w" -> Duration.ofDays(amount * 7);
            default -> Duration.ofDays(amount * 365);
        };
    }
}
