package dev.polity.policy.bundle;

import dev.polity.policy.engine.CompiledBundle;
import jakarta.inject.Singleton;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The bundle this node decides with. Swapped in one atomic step, so a decision sees either the
 * old bundle or the new one, never a mix.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class ActiveBundle {

    private final AtomicReference<CompiledBundle> current = new AtomicReference<>();

    public Optional<CompiledBundle> get() {
        return Optional.ofNullable(current.get());
    }

    void replace(CompiledBundle expected, CompiledBundle replacement) {
        if (!current.compareAndSet(expected, replacement)) {
            throw new IllegalStateException("bundle changed concurrently; activations are serialised");
        }
    }
}
