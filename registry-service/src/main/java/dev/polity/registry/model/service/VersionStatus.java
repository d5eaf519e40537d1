package dev.polity.registry.model.service;

import java.util.Locale;

/** Lifecycle status of a model version. Every version starts in {@link #DEVELOPMENT}. */
public enum VersionStatus {
    DEVELOPMENT,
    STAGING,
    PRODUCTION,
    ARCHIVED;

    /** The lower-case name used on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
