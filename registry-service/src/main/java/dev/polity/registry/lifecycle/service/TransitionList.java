package dev.polity.registry.lifecycle.service;

import java.util.List;

/** The transitions of a version, newest first. */
public record TransitionList(String organization, String name, String version, List<TransitionView> items) {
}
