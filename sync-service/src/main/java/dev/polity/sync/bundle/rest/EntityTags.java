package dev.polity.sync.bundle.rest;

/** {@code If-None-Match} evaluation (RFC 9110 §13.1.2): weak comparison, {@code *} matches anything. */
final class EntityTags {

    private EntityTags() {
    }

    /**
     * @param ifNoneMatch the header value, e.g. {@code "3-ab12", W/"2-cd34"}, or null
     * @param current     the current strong tag, quotes included
     */
    static boolean anyMatches(String ifNoneMatch, String current) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(current)) {
                return true;
            }
        }
        return false;
    }
}
