package dev.polity.sync.distribution.repository;

/**
 * An outbox request as the publication worker read it: whose bundle, and the request's generation,
 * so that publishing removes the row only if nobody asked again meanwhile.
 */
public record QueuedPublication(String organizationId, long generation) {
}
