package dev.polity.policy.decision.service;

import dev.polity.policy.engine.Outcome;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Decisions taken since start, by outcome; reported on the status topic. */
@ApplicationScoped
public class DecisionCounters {

    private final Map<Outcome, LongAdder> counts = new EnumMap<>(Outcome.class);

    public DecisionCounters() {
        for (Outcome outcome : new Outcome[] {Outcome.APPROVED, Outcome.CONDITIONAL, Outcome.DENIED}) {
            counts.put(outcome, new LongAdder());
        }
    }

    void count(Outcome outcome) {
        counts.get(outcome).increment();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new LinkedHashMap<>();
        counts.forEach((outcome, count) -> snapshot.put(outcome.wireName(), count.sum()));
        return snapshot;
    }
}
