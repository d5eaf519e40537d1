package dev.polity.audit.ingest;

import dev.polity.contracts.crypto.Hashes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.retention.TypePatterns;
import dev.polity.contracts.events.CloudEvent;
import jakarta.inject.Singleton;

import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Inference records carry hashes of the model's input and output, never the input or output itself: their data
 * must be a JSON object with {@code input_sha256} and {@code output_sha256} (64 lower-case hex digits each), and
 * no member whose name speaks of raw inputs or outputs ({@code input}, {@code inputs}, {@code prompt},
 * {@code features}, {@code output}, {@code completion}, …) unless it is such a hash. Anything else is refused to
 * the dead-letter topic before it reaches the log.
 */
// @Singleton, not @ApplicationScoped: called for every ingested event, and a client proxy's context lookup per
// call showed in the ingest profile (bench/audit-ingest).
@Singleton
public class InferenceRecords {

    private static final List<String> RAW_WORDS = List.of("input", "output", "prompt", "completion", "feature",
            "image", "raw_");
    private static final List<String> HASH_SUFFIXES = List.of("_sha256", "_hash", "_digest");

    private final List<String> hashOnlyTypes;
    private final ObjectMapper json;

    InferenceRecords(AuditConfig config, ObjectMapper json) {
        this.hashOnlyTypes = config.ingest().hashOnlyTypes();
        this.json = json;
    }

    /** Why this event must not enter the log, or empty when it may. */
    public Optional<String> refusal(CloudEvent event, byte[] data) {
        if (!TypePatterns.matchesAny(hashOnlyTypes, event.type())) {
            return Optional.empty();
        }
        JsonNode record;
        try {
            record = json.readTree(data);
        } catch (IOException e) {
            record = null;
        }
        if (record == null || !record.isObject()) {
            return Optional.of("inference records must be JSON objects carrying input_sha256 and output_sha256");
        }
        for (String required : List.of("input_sha256", "output_sha256")) {
            JsonNode hash = record.get(required);
            if (hash == null || !hash.isTextual() || !Hashes.isSha256Hex(hash.asText())) {
                return Optional.of("inference records must carry " + required + " (64 lower-case hex digits)");
            }
        }
        for (Iterator<String> names = record.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            String lower = name.toLowerCase(Locale.ROOT);
            boolean hash = HASH_SUFFIXES.stream().anyMatch(lower::endsWith);
            if (!hash && RAW_WORDS.stream().anyMatch(lower::contains)) {
                return Optional.of("inference records carry hashes only; raw field '" + name + "' is refused");
            }
        }
        return Optional.empty();
    }
}
