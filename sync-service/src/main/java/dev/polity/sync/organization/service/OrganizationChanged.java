package dev.polity.sync.organization.service;

/** Data of a {@code polity.organization.changed} audit event. */
public record OrganizationChanged(String change, Organization organization) {
}
