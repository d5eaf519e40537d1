package dev.polity.contracts.events;

import dev.polity.contracts.time.Rfc3339;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A CloudEvent 1.0 as Polity puts it on Kafka in binary content mode: the context attributes
 * travel as {@code ce_*} headers and the record value is the event data, byte for byte.
 * Any CloudEvents SDK (for example {@code io.cloudevents:cloudevents-kafka}) reads these records.
 *
 * @param extensions extension attributes, lower-case alphanumeric names (e.g. {@code polityorg})
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        String subject,
        Instant time,
        String dataContentType,
        Map<String, String> extensions,
        byte[] data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String HEADER_PREFIX = "ce_";
    public static final String CONTENT_TYPE_HEADER = "content-type";
    /** Extension attribute naming the organisation an event belongs to; used for tenant filtering. */
    public static final String EXTENSION_ORGANIZATION = "polityorg";
    /** Extension attribute naming who caused the event (user or client id). */
    public static final String EXTENSION_ACTOR = "polityactor";


    public CloudEvent {
        requireText(id, "id");
        requireText(source, "source");
        requireText(type, "type");
        Objects.requireNonNull(time, "time");
        extensions = extensions == null ? Map.of() : Map.copyOf(extensions);
        for (String name : extensions.keySet()) {
            if (!isExtensionName(name) || isCoreAttribute(name)) {
                throw new InvalidCloudEventException(name, "extension names are 1-20 lower-case letters or digits and not a core attribute");
            }
        }
        data = data == null ? new byte[0] : data.clone();
    }

    /** 1 to 20 lower-case letters or digits (CloudEvents 1.0); a loop, as this runs for every event ingested. */
    private static boolean isExtensionName(String name) {
        if (name.isEmpty() || name.length() > 20) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if ((c < 'a' || c > 'z') && (c < '0' || c > '9')) {
                return false;
            }
        }
        return true;
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    /**
     * The data array itself, not a copy, for handing the event to a Kafka producer without copying
     * a decision's tens of kilobytes once more. Callers must not modify it.
     */
    public byte[] dataWithoutCopy() {
        return data;
    }

    /** The data as UTF-8 text; convenient for JSON payloads. */
    public String dataAsString() {
        return new String(data, StandardCharsets.UTF_8);
    }

    /** Headers for a binary-mode Kafka record, in a stable order. */
    public Map<String, byte[]> toKafkaHeaders() {
        Map<String, byte[]> headers = new LinkedHashMap<>();
        headers.put(HEADER_PREFIX + "specversion", utf8(SPEC_VERSION));
        headers.put(HEADER_PREFIX + "id", utf8(id));
        headers.put(HEADER_PREFIX + "source", utf8(source));
        headers.put(HEADER_PREFIX + "type", utf8(type));
        if (subject != null) {
            headers.put(HEADER_PREFIX + "subject", utf8(subject));
        }
        headers.put(HEADER_PREFIX + "time", utf8(time.toString()));
        new TreeMap<>(extensions).forEach((name, value) -> headers.put(HEADER_PREFIX + name, utf8(value)));
        if (dataContentType != null) {
            headers.put(CONTENT_TYPE_HEADER, utf8(dataContentType));
        }
        return headers;
    }

    /**
     * Reads a binary-mode record. Headers whose names repeat keep the last value, as Kafka's
     * {@code Headers.lastHeader} does.
     *
     * @throws InvalidCloudEventException naming the attribute that is missing or malformed
     */
    public static CloudEvent fromKafkaHeaders(Map<String, byte[]> headers, byte[] value) {
        String specVersion = header(headers, "specversion");
        if (!SPEC_VERSION.equals(specVersion)) {
            throw new InvalidCloudEventException("specversion", specVersion == null
                    ? "is missing (is this a binary-mode CloudEvent?)"
                    : "is '" + specVersion + "', only 1.0 is supported");
        }
        String timeText = header(headers, "time");
        if (timeText == null) {
            throw new InvalidCloudEventException("time", "is missing");
        }
        // Polity's producers write Instant.toString(); the full parser only for other RFC 3339 spellings.
        Instant time = Rfc3339.parseCommonUtc(timeText);
        if (time == null) {
            try {
                time = java.time.OffsetDateTime.parse(timeText).toInstant();
            } catch (DateTimeParseException e) {
                throw new InvalidCloudEventException("time", "is not an RFC 3339 timestamp: '" + timeText + "'");
            }
        }
        Map<String, String> extensions = new TreeMap<>();
        headers.forEach((name, bytes) -> {
            if (name.startsWith(HEADER_PREFIX)) {
                String attribute = name.substring(HEADER_PREFIX.length());
                if (!isCoreAttribute(attribute) && bytes != null) {
                    extensions.put(attribute, new String(bytes, StandardCharsets.UTF_8));
                }
            }
        });
        byte[] contentType = headers.get(CONTENT_TYPE_HEADER);
        return new CloudEvent(
                header(headers, "id"),
                header(headers, "source"),
                header(headers, "type"),
                header(headers, "subject"),
                time,
                contentType == null ? null : new String(contentType, StandardCharsets.UTF_8),
                extensions,
                value);
    }

    /** Convenience for the extension that names the organisation, or null. */
    public String organization() {
        return extensions.get(EXTENSION_ORGANIZATION);
    }

    /** Convenience for the extension that names the actor, or null. */
    public String actor() {
        return extensions.get(EXTENSION_ACTOR);
    }

    private static boolean isCoreAttribute(String name) {
        return switch (name) {
            case "specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema" -> true;
            default -> false;
        };
    }

    private static String header(Map<String, byte[]> headers, String attribute) {
        byte[] bytes = headers.get(HEADER_PREFIX + attribute);
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void requireText(String value, String attribute) {
        if (value == null || value.isBlank()) {
            throw new InvalidCloudEventException(attribute, "is missing");
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof CloudEvent that
                && id.equals(that.id) && source.equals(that.source) && type.equals(that.type)
                && Objects.equals(subject, that.subject) && time.equals(that.time)
                && Objects.equals(dataContentType, that.dataContentType)
                && extensions.equals(that.extensions) && Arrays.equals(data, that.data);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, source, type, subject, time, dataContentType, extensions, Arrays.hashCode(data));
    }

    @Override
    public String toString() {
        return "CloudEvent[id=" + id + ", source=" + source + ", type=" + type + ", subject=" + subject
                + ", time=" + time + ", " + data.length + " bytes]";
    }
}
