package dev.polity.contracts.audit;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.time.Instant;
import java.util.List;

/**
 * One event of an audit export (and of the log as the verifier sees it).
 *
 * <p>{@code payload} says what the export holds of the event: {@value #PRESENT} (headers, indexed fields and the
 * data bytes), {@value #EXPIRED} (headers and indexed fields; the data was dropped by retention, its hash stays) or
 * {@value #WITHHELD} (only sequence and leaf hash: the event belongs to another organisation than the export's).
 *
 * @param headers  the Kafka headers as received, {@code [name, value]} pairs
 * @param data     base64 of the data bytes exactly as received, when present
 * @param leafHash lower-case hex leaf hash the log recorded for this event
 */
public record ExportEntry(
        @JsonProperty("sequence") long sequence,
        @JsonProperty("leaf_hash") String leafHash,
        @JsonProperty("payload") String payload,
        @JsonProperty("headers") List<List<String>> headers,
        @JsonProperty("data_sha256") String dataSha256,
        @JsonProperty("data") String data,
        @JsonProperty("id") String id,
        @JsonProperty("source") String source,
        @JsonProperty("type") String type,
        @JsonProperty("subject") String subject,
        @JsonProperty("time") Instant time,
        @JsonProperty("organization") String organization,
        @JsonProperty("actor") String actor,
        @JsonProperty("data_content_type") String dataContentType,
        @JsonProperty("received_at") Instant receivedAt) {

    public static final String PRESENT = "present";
    public static final String EXPIRED = "expired";
    public static final String WITHHELD = "withheld";

    /** An entry of another organisation: only what the tree needs. */
    public static ExportEntry withheld(long sequence, String leafHash) {
        return new ExportEntry(sequence, leafHash, WITHHELD, null, null, null, null, null, null, null, null, null,
                null, null, null);
    }

    public static List<List<String>> headerPairs(List<AuditEntries.Header> headers) {
        return headers.stream().map(h -> java.util.Arrays.asList(h.name(), h.value())).toList();
    }

    public List<AuditEntries.Header> headerList() {
        if (headers == null) {
            return null;
        }
        return headers.stream().map(pair -> {
            if (pair == null || pair.size() != 2 || pair.get(0) == null) {
                throw new IllegalArgumentException("headers must be [name, value] pairs");
            }
            return new AuditEntries.Header(pair.get(0), pair.get(1));
        }).toList();
    }
}
