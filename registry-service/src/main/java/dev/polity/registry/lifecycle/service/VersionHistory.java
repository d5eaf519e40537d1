package dev.polity.registry.lifecycle.service;

import java.util.List;

/** The history of a version, oldest move first. */
public record VersionHistory(String organization, String name, String version, String status, List<HistoryEntryView> items) {
}
