package dev.polity.sync.distribution.service;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Wakes long-polling requests ({@code GET /api/v1/bundles/{org}?wait=}) when this instance has
 * published a new revision of the organisation's bundle. Other instances' publications are seen by
 * the long poll's own periodic re-check.
 */
@ApplicationScoped
public class BundleNotifier {

    private final Map<String, Set<UniEmitter<? super Boolean>>> waiting = new ConcurrentHashMap<>();

    /** Completes with true when a bundle of the organisation is published, with false after {@code timeout}. */
    public Uni<Boolean> nextPublication(String organizationId, Duration timeout) {
        return Uni.createFrom().<Boolean>emitter(emitter -> {
                    Set<UniEmitter<? super Boolean>> set = waiting.computeIfAbsent(organizationId,
                            id -> ConcurrentHashMap.newKeySet());
                    set.add(emitter);
                    emitter.onTermination(() -> set.remove(emitter));
                })
                .ifNoItem().after(timeout).recoverWithItem(false);
    }

    /** Called after the publishing transaction committed. */
    public void published(String organizationId) {
        Set<UniEmitter<? super Boolean>> set = waiting.get(organizationId);
        if (set != null) {
            for (UniEmitter<? super Boolean> emitter : set.toArray(UniEmitter[]::new)) {
                emitter.complete(true);
            }
        }
    }
}
