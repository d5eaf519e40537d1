package dev.polity.audit.retention;

import dev.polity.audit.config.AuditConfig;
import io.quarkus.runtime.Startup;
import jakarta.inject.Singleton;

import java.time.Instant;
import java.time.LocalDate;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which retention class an event type falls in, and when its payload may go. The longest matching type pattern
 * wins; a type no class names falls in {@code polity.audit.retention.default-class}. Checked at start-up: every
 * class has a period, the default class exists, and the {@value #INFERENCE_CLASS} class keeps payloads at least
 * six months (the EU AI Act's floor for logs of high-risk systems, Art. 19 and 26(6)).
 */
@Startup
// @Singleton, not @ApplicationScoped: called for every ingested event, and a client proxy's context lookup per
// call showed in the ingest profile (bench/audit-ingest).
@Singleton
public class RetentionPolicy {

    public static final String INFERENCE_CLASS = "inference";
    static final Period LEGAL_FLOOR_FOR_INFERENCE = Period.ofMonths(6);

    private final Map<String, Period> periods = new TreeMap<>();
    private final Map<String, List<String>> types = new TreeMap<>();
    private final String defaultClass;
    private final Map<String, String> classOfType = new ConcurrentHashMap<>();

    RetentionPolicy(AuditConfig config) {
        config.retention().classes().forEach((name, retentionClass) -> {
            if (retentionClass.period().isNegative()) {
                throw new IllegalStateException("polity.audit.retention.classes." + name + ".period must not be negative");
            }
            periods.put(name, retentionClass.period());
            types.put(name, retentionClass.types().orElse(List.of()));
        });
        defaultClass = config.retention().defaultClass();
        if (!periods.containsKey(defaultClass)) {
            throw new IllegalStateException("polity.audit.retention.default-class '" + defaultClass
                    + "' is not one of the classes " + periods.keySet());
        }
        Period inference = periods.get(INFERENCE_CLASS);
        if (inference != null && isShorter(inference, LEGAL_FLOOR_FOR_INFERENCE)) {
            throw new IllegalStateException("polity.audit.retention.classes.inference.period is " + inference
                    + ": inference records must be kept at least " + LEGAL_FLOOR_FOR_INFERENCE);
        }
    }

    /** The retention class of an event type. */
    public String classOf(String type) {
        return classOfType.computeIfAbsent(type, this::classify);
    }

    /** When a payload of this class received at {@code receivedAt} expires. */
    public Instant expiresAt(String retentionClass, Instant receivedAt) {
        return receivedAt.atOffset(ZoneOffset.UTC).plus(periods.get(retentionClass)).toInstant();
    }

    public Map<String, Period> periods() {
        return Map.copyOf(periods);
    }

    private String classify(String type) {
        String best = defaultClass;
        int bestScore = -1;
        for (Map.Entry<String, List<String>> entry : types.entrySet()) {
            for (String pattern : entry.getValue()) {
                int score = TypePatterns.match(pattern, type);
                if (score > bestScore) {
                    bestScore = score;
                    best = entry.getKey();
                }
            }
        }
        return best;
    }

    static boolean isShorter(Period period, Period floor) {
        LocalDate base = LocalDate.of(2000, 1, 31);
        return base.plus(period).isBefore(base.plus(floor));
    }
}
