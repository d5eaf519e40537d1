package dev.polity.contracts.bundle;

/** A bundle manifest's entry for one policy: which version, and the SHA-256 of its canonical JSON. */
public record PolicyDigest(String id, Integer version, String sha256) {
}
