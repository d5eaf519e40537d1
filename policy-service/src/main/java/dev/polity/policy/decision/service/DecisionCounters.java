package dev.polity.policy.decision.service;

import dev.polity.policy.engine.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Decisions taken since start, by outcome: reported on the status topic and as the Prometheus counter
 * {@code polity_node_decisions_total{decision}}. The meters are registered once here rather than looked
 * up by name and tag on every decision.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class DecisionCounters {

    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);
    private final Map<Outcome, Counter> meters = new EnumMap<>(Outcome.class);

    public DecisionCounters(MeterRegistry registry) {
        for (Outcome outcome : new Outcome[] {Outcome.APPROVED, Outcome.CONDITIONAL, Outcome.DENIED}) {
            counts.put(outcome, new LongAdder());
            meters.put(outcome, Counter.builder("polity_node_decisions_total").tag("decision", outcome.wireName())
                    .description("Decisions taken by this node, by outcome").register(registry));
        }
    }

    void count(Outcome outcome) {
        counts.get(outcome).increment();
        meters.get(outcome).increment();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        counts.forEach((outcome, count) -> snapshot.put(outcome.wireName(), count.sum()));
        return snapshot;
    }
}
