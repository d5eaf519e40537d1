package dev.polity.contracts.audit;

import dev.polity.contracts.crypto.Hashes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * What a leaf of the audit log commits to: the Kafka headers of the record as received (the CloudEvent's
 * {@code ce_*} attributes, {@code content-type} and any other header, in order, values as UTF-8 text) and the
 * SHA-256 of the event data. Not the data itself, so a payload can expire while every proof stays valid.
 *
 * <p>The entry is the RFC 8785 canonical JSON of
 * {@code {"data_sha256": "<64 hex>", "headers": [["ce_id", "…"], ["ce_source", "…"], …]}}; the leaf hash is
 * {@code SHA-256(0x00 || entry)}.
 */
public final class AuditEntries {


    private AuditEntries() {
    }

    /** One Kafka header: name and UTF-8 value (null for a header without value). */
    public record Header(String name, String value) {
    }

    /** The canonical entry bytes. */
    public static byte[] entry(List<Header> headers, String dataSha256) {
        return entry(toJsonText(headers), dataSha256);
    }

    /**
     * The canonical entry bytes, from headers already written by {@link #toJsonText(List)}. The entry
     * has a fixed shape whose keys are already in canonical order, so it is written directly: the
     * audit log computes one per event at thousands of events per second.
     */
    public static byte[] entry(String canonicalHeadersJson, String dataSha256) {
        if (!Hashes.isSha256Hex(dataSha256)) {
            throw new IllegalArgumentException("data_sha256 must be 64 lower-case hex digits");
        }
        return ("{\"data_sha256\":\"" + dataSha256 + "\",\"headers\":" + canonicalHeadersJson + "}")
                .getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] leafHash(List<Header> headers, String dataSha256) {
        return Merkle.leafHash(entry(headers, dataSha256));
    }

    /** The headers as a JSON array of {@code [name, value]} pairs (how the log stores and exports them). */
    public static ArrayNode toJson(List<Header> headers) {
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        for (Header header : headers) {
            array.addArray().add(header.name()).add(header.value());
        }
        return array;
    }

    /** The headers as canonical (RFC 8785) JSON text: {@code [["name","value"],...]}, in the given order. */
    public static String toJsonText(List<Header> headers) {
        StringBuilder out = new StringBuilder(headers.size() * 48 + 2);
        out.append('[');
        for (int i = 0; i < headers.size(); i++) {
            Header header = headers.get(i);
            if (i > 0) {
                out.append(',');
            }
            out.append('[');
            CanonicalJson.appendString(header.name(), out);
            out.append(',');
            if (header.value() == null) {
                out.append("null");
            } else {
                CanonicalJson.appendString(header.value(), out);
            }
            out.append(']');
        }
        return out.append(']').toString();
    }

    /**
     * Reads a JSON array of {@code [name, value]} pairs.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static List<Header> fromJson(JsonNode array) {
        if (array == null || !array.isArray()) {
            throw new IllegalArgumentException("headers must be an array of [name, value] pairs");
        }
        List<Header> headers = new ArrayList<>(array.size());
        for (JsonNode pair : array) {
            if (!pair.isArray() || pair.size() != 2 || !pair.get(0).isTextual()
                    || !(pair.get(1).isTextual() || pair.get(1).isNull())) {
                throw new IllegalArgumentException("headers must be an array of [name, value] pairs");
            }
            headers.add(new Header(pair.get(0).asText(), pair.get(1).isNull() ? null : pair.get(1).asText()));
        }
        return headers;
    }

    public static List<Header> fromJsonText(String json) {
        try {
            return fromJson(Json.mapper().readTree(json));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The value of the last header with this name (as Kafka's {@code lastHeader}), or null. */
    public static String lastValue(List<Header> headers, String name) {
        String value = null;
        for (Header header : headers) {
            if (header.name().equals(name)) {
                value = header.value();
            }
        }
        return value;
    }

    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    public static byte[] unhex(String hex) {
        return HexFormat.of().parseHex(hex);
    }
}
