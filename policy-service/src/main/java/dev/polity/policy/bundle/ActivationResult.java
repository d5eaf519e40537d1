package dev.polity.policy.bundle;

/** What became of a bundle a node was offered. */
public record ActivationResult(Status status, long revision, String detail) {

    public enum Status { ACTIVATED, ALREADY_ACTIVE, REJECTED }
}
