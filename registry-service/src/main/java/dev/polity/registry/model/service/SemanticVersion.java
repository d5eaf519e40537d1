package dev.polity.registry.model.service;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@code MAJOR.MINOR.PATCH} version without leading zeros, as in Semantic Versioning 2.0 (no pre-release or build). */
public record SemanticVersion(int major, int minor, int patch) {

    private static final Pattern SEMVER = Pattern.compile("(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})\\.(0|[1-9]\\d{0,8})");

    /** The version, or null when the text is not {@code MAJOR.MINOR.PATCH}. */
    public static SemanticVersion parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = SEMVER.matcher(text);
        if (!m.matches()) {
            return null;
        }
        return new SemanticVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
    }

    @Override
    public String toString() {
        return major + "." + minor + "." + patch;
    }
}
