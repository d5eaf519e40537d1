package dev.polity.registry.model.service;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Who may see a model: everyone ({@link #PUBLIC}), organisations the owner has a collaboration
 * agreement with ({@link #ORGANIZATION}), members of a consortium the owner belongs to
 * ({@link #CONSORTIUM}), or the owner alone ({@link #PRIVATE}, the default). The owner always sees
 * its own models.
 */
public enum AccessLevel {
    PUBLIC,
    ORGANIZATION,
    CONSORTIUM,
    PRIVATE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static AccessLevel fromWire(String text) {
        return Arrays.stream(values()).filter(level -> level.wireName().equals(text)).findFirst().orElse(null);
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(AccessLevel::wireName).toList();
    }
}
