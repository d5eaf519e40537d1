package dev.polity.policy.engine;

import dev.polity.contracts.bundle.SignedBundle;

import java.time.Instant;
import java.util.List;

/** A verified bundle with every rule compiled: what a node decides with. Immutable, swapped atomically. */
public record CompiledBundle(SignedBundle bundle, List<CompiledPolicy> policies, Instant activatedAt) {

    public long revision() {
        return bundle.manifest().revision();
    }

    public String digest() {
        return bundle.manifest().digest();
    }
}
