package dev.polity.contracts.audit;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polity.contracts.json.Json;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The audit export file: one JSON object, written by {@code GET /api/v1/audit/export} and read by the offline
 * verifier ({@link VerifyAuditExport}). Members, in this order ({@code entries} last, so that a verifier can stream
 * it):
 *
 * <pre>
 * {
 *   "format": "polity.audit.export/1",
 *   "origin": "&lt;log id&gt;",
 *   "exported_at": "…", "from": "…" | null, "to": "…" | null, "organization": "acme" | null,
 *   "public_keys": [LogKey…],
 *   "start": ExportStart,                       // the signed tree before the first entry, and its frontier
 *   "checkpoints": [Checkpoint…],               // every checkpoint after the start, up to the last entry
 *   "consistency_proofs": [ConsistencyProof…],  // start → first checkpoint → second → …
 *   "entries": [ExportEntry…]                   // every entry from start + 1 to the last checkpoint, in order
 * }
 * </pre>
 */
public final class AuditExports {

    public static final String FORMAT = "polity.audit.export/1";
    public static final String MEDIA_TYPE = "application/json";

    private AuditExports() {
    }

    /** The members before {@code entries}. */
    public record Header(
            String format,
            String origin,
            List<LogKey> publicKeys,
            ExportStart start,
            List<Checkpoint> checkpoints,
            List<ConsistencyProof> consistencyProofs) {
    }

    /**
     * The start of an export file, up to and including {@code "entries":[}; follow it with {@link #entry} for each
     * entry and end it with {@link #end()}.
     */
    public static byte[] begin(String origin, Instant exportedAt, Instant from, Instant to, String organization,
                               List<LogKey> publicKeys, ExportStart start, List<Checkpoint> checkpoints,
                               List<ConsistencyProof> consistencyProofs) {
        ObjectMapper mapper = Json.mapper();
        ObjectNode head = mapper.createObjectNode();
        head.put("format", FORMAT);
        head.put("origin", origin);
        head.put("exported_at", exportedAt.toString());
        head.put("from", from == null ? null : from.toString());
        head.put("to", to == null ? null : to.toString());
        head.put("organization", organization);
        head.set("public_keys", mapper.valueToTree(publicKeys));
        head.set("start", mapper.valueToTree(start));
        head.set("checkpoints", mapper.valueToTree(checkpoints));
        head.set("consistency_proofs", mapper.valueToTree(consistencyProofs));
        try {
            String json = mapper.writeValueAsString(head);
            // Reopen the object to append the entries array last.
            return (json.substring(0, json.length() - 1) + ",\"entries\":[").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One entry of the {@code entries} array; {@code first} is true for the first one (no leading comma). */
    public static byte[] entry(ExportEntry entry, boolean first) {
        try {
            byte[] json = Json.mapper().writeValueAsBytes(entry);
            if (first) {
                return json;
            }
            byte[] withComma = new byte[json.length + 1];
            withComma[0] = ',';
            System.arraycopy(json, 0, withComma, 1, json.length);
            return withComma;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The end of an export file. */
    public static byte[] end() {
        return "]}".getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Verifies an export with the trusted public keys (by key id), streaming through its entries.
     *
     * @throws IOException when the file cannot be read or is not an export
     */
    public static VerificationReport verify(InputStream in, Map<String, PublicKey> trustedKeys) throws IOException {
        ObjectMapper mapper = Json.mapper();
        try (JsonParser parser = mapper.getFactory().createParser(in)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("an audit export is a JSON object");
            }
            String format = null;
            String origin = null;
            List<LogKey> keys = List.of();
            ExportStart start = null;
            List<Checkpoint> checkpoints = List.of();
            List<ConsistencyProof> proofs = List.of();
            AuditVerifier verifier = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                switch (field) {
                    case "format" -> format = parser.getValueAsString();
                    case "origin" -> origin = parser.getValueAsString();
                    case "public_keys" -> keys = mapper.readValue(parser, new TypeReference<List<LogKey>>() { });
                    case "start" -> start = mapper.readValue(parser, ExportStart.class);
                    case "checkpoints" -> checkpoints = mapper.readValue(parser, new TypeReference<List<Checkpoint>>() { });
                    case "consistency_proofs" -> proofs = mapper.readValue(parser, new TypeReference<List<ConsistencyProof>>() { });
                    case "entries" -> {
                        verifier = begin(new Header(format, origin, keys, start, checkpoints, proofs), trustedKeys);
                        if (value != JsonToken.START_ARRAY) {
                            throw new IOException("entries must be an array");
                        }
                        while (parser.nextToken() == JsonToken.START_OBJECT) {
                            verifier.entry(mapper.readValue(parser, ExportEntry.class));
                        }
                    }
                    default -> parser.skipChildren();
                }
            }
            if (verifier == null) {
                verifier = begin(new Header(format, origin, keys, start, checkpoints, proofs), trustedKeys);
            }
            return verifier.finish();
        }
    }

    private static AuditVerifier begin(Header header, Map<String, PublicKey> trustedKeys) throws IOException {
        if (!FORMAT.equals(header.format())) {
            throw new IOException("not an audit export: format is '" + header.format() + "', expected '" + FORMAT + "'");
        }
        if (header.start() == null) {
            throw new IOException("the export has no 'start' before its entries");
        }
        AuditVerifier verifier = new AuditVerifier(header.origin(), trustedKeys, true);
        List<byte[]> frontier = new ArrayList<>();
        for (String hash : header.start().frontier()) {
            try {
                frontier.add(AuditEntries.unhex(hash));
            } catch (IllegalArgumentException e) {
                frontier.add(new byte[0]);
            }
        }
        verifier.start(header.start().treeSize(), header.start().checkpoint(), frontier);
        verifier.checkpoints(header.checkpoints());
        header.consistencyProofs().forEach(verifier::consistency);
        return verifier;
    }
}
