package dev.polity.policy.engine;

import dev.polity.contracts.bundle.SignedBundle;

import java.time.Instant;
import java.util.List;

/**
 * A verified bundle with every rule compiled: what a node decides with. Immutable, swapped
 * atomically. {@code bundle} is null for a dry run of drafts without an active bundle.
 */
public record CompiledBundle(SignedBundle bundle, List<CompiledPolicy> policies, Instant activatedAt) {

    public long revision() {
        return bundle == null ? 0 : bundle.manifest().revision();
    }

    public String digest() {
        return bundle == null ? "draft" : bundle.manifest().digest();
    }
}
