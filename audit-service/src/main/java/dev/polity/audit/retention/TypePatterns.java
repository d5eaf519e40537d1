package dev.polity.audit.retention;

import java.util.List;

/** Event type patterns: an exact type, or a prefix ending in {@code *} ({@code polity.model.*}, or {@code *} alone). */
public final class TypePatterns {

    private TypePatterns() {
    }

    /** How specifically {@code pattern} matches {@code type}: -1 when it does not, else the length of its literal part. */
    public static int match(String pattern, String type) {
        String p = pattern.trim();
        if (p.endsWith("*")) {
            String prefix = p.substring(0, p.length() - 1);
            return type.startsWith(prefix) ? prefix.length() : -1;
        }
        return p.equals(type) ? p.length() + 1 : -1;
    }

    public static boolean matchesAny(List<String> patterns, String type) {
        return patterns.stream().anyMatch(pattern -> match(pattern, type) >= 0);
    }
}
