package dev.polity.sync.organization.service;

/**
 * Data of a {@code polity.organization.changed} audit event ({@code change} created or updated) and of a
 * {@code polity.organization.removed} one ({@code change} removed, {@code organization} as it was).
 */
public record OrganizationChanged(String change, Organization organization) {
}
