package dev.polity.registry.model.service;

import java.util.List;

/** The versions of one model, newest registration first. */
public record ModelVersionList(String organization, String name, List<ModelVersionView> items) {
}
