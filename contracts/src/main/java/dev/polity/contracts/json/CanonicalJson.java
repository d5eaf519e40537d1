package dev.polity.contracts.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * JSON Canonicalization Scheme (RFC 8785): object members sorted by their UTF-16 code units,
 * no insignificant whitespace, ECMAScript number formatting, minimal string escaping. Two
 * documents that differ only in key order, whitespace or number spelling ({@code 1.0} vs
 * {@code 1}, {@code 1e2} vs {@code 100}) canonicalise to the same bytes, so their hashes and
 * signatures agree across services and languages.
 */
public final class CanonicalJson {

    /** Integers beyond 2^53 cannot be represented exactly as IEEE 754 doubles (RFC 8785 §3.2.2.3). */
    private static final long MAX_EXACT_INTEGER = 1L << 53;

    private CanonicalJson() {
    }

    /** Canonical UTF-8 bytes of a JSON tree. */
    public static byte[] canonicalize(JsonNode node) {
        return canonicalString(node).getBytes(StandardCharsets.UTF_8);
    }

    /** Canonical UTF-8 bytes of any value Jackson can turn into a tree (records, maps, lists). */
    public static byte[] canonicalize(Object value) {
        return canonicalize(Json.mapper().valueToTree(value));
    }

    /** Canonical form of a JSON text. */
    public static byte[] canonicalize(String jsonText) {
        try {
            return canonicalize(Json.mapper().readTree(jsonText));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    /**
     * Canonical UTF-8 bytes of a value as Jackson's databind reads JSON into plain Java: {@link Map}s
     * (keys as strings), {@link List}s, {@link String}s, {@link Number}s, {@link Boolean}s and nulls.
     * Null members are kept and written as {@code null}, as an {@code ObjectMapper} with default inclusion
     * writes them. The bytes are those of {@link #canonicalize(JsonNode)} on the tree that mapper makes of
     * {@code value}, without making the tree: for hashing requests on a hot path.
     *
     * @throws IllegalArgumentException for any other type (records, dates): turn those into a tree first
     */
    public static byte[] canonicalizePlain(Object value) {
        StringBuilder out = new StringBuilder(1024);
        writePlain(value, out);
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static void writePlain(Object value, StringBuilder out) {
        switch (value) {
            case null -> out.append("null");
            case String text -> writeString(text, out);
            case Boolean bool -> out.append(bool.booleanValue());
            case Number number -> writePlainNumber(number, out);
            case Map<?, ?> map -> {
                // Sorted by String.compareTo (UTF-16 code units, as RFC 8785 asks), like a tree's members below: a list
                // sort rather than a TreeMap, since this runs for every object of every request the policy node hashes.
                List<Map.Entry<String, Object>> members = new ArrayList<>(map.size());
                map.forEach((key, member) -> members.add(new AbstractMap.SimpleImmutableEntry<>(String.valueOf(key), member)));
                members.sort(Map.Entry.comparingByKey());
                out.append('{');
                for (int i = 0; i < members.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writeString(members.get(i).getKey(), out);
                    out.append(':');
                    writePlain(members.get(i).getValue(), out);
                }
                out.append('}');
            }
            case List<?> list -> {
                out.append('[');
                for (int i = 0; i < list.size(); i++) {
                    if (i > 0) {
                        out.append(',');
                    }
                    writePlain(list.get(i), out);
                }
                out.append(']');
            }
            default -> throw new IllegalArgumentException("not a plain JSON value: " + value.getClass().getName());
        }
    }

    /** As the tree path: an integer exactly when it fits in a long and within 2^53, anything else as its double. */
    private static void writePlainNumber(Number number, StringBuilder out) {
        boolean integral = number instanceof Integer || number instanceof Long || number instanceof Short || number instanceof Byte
                || (number instanceof BigInteger big && big.bitLength() < 64);
        if (integral && Math.abs(number.longValue()) <= MAX_EXACT_INTEGER) {
            out.append(number.longValue());
        } else {
            out.append(formatNumber(number.doubleValue())); // Double, Float, BigDecimal, large integers
        }
    }

    public static String canonicalString(JsonNode node) {
        StringBuilder out = new StringBuilder(256);
        write(node, out);
        return out.toString();
    }

    private static void write(JsonNode node, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            List<Map.Entry<String, JsonNode>> members = new ArrayList<>();
            node.fields().forEachRemaining(members::add);
            // String.compareTo compares UTF-16 code units, which is exactly what RFC 8785 asks for.
            members.sort(Map.Entry.comparingByKey());
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, JsonNode> member : members) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                writeString(member.getKey(), out);
                out.append(':');
                write(member.getValue(), out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            Iterator<JsonNode> elements = node.elements();
            boolean first = true;
            while (elements.hasNext()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                write(elements.next(), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            writeString(node.textValue(), out);
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isIntegralNumber() && node.canConvertToLong()
                && Math.abs(node.longValue()) <= MAX_EXACT_INTEGER) {
            out.append(node.longValue());
        } else if (node.isNumber()) {
            out.append(formatNumber(node.doubleValue()));
        } else if (node.isBinary()) {
            throw new IllegalArgumentException("binary values have no JSON canonical form");
        } else {
            throw new IllegalArgumentException("unsupported JSON node: " + node.getNodeType());
        }
    }

    /** Number formatting of ECMAScript's Number.prototype.toString, as RFC 8785 §3.2.2.3 requires. */
    static String formatNumber(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("NaN and Infinity are not valid JSON numbers");
        }
        if (value == 0) {
            return "0"; // also for -0
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e-3 && magnitude < 1e7) {
            // Here Double.toString writes plain decimal notation ("0.05", "123.0"), the layout ECMAScript
            // uses for this range too; only a trailing ".0" differs. Metrics in requests are mostly here.
            String plain = Double.toString(value);
            return plain.endsWith(".0") ? plain.substring(0, plain.length() - 2) : plain;
        }
        return formatNumberByDigits(value);
    }

    /** {@link #formatNumber} for every double, from the shortest digit string; package-private for the tests that compare the two. */
    static String formatNumberByDigits(double value) {
        if (value == 0) {
            return "0";
        }
        String sign = value < 0 ? "-" : "";
        // Since JDK 19, Double.toString yields the shortest decimal that round-trips, which is the
        // digit string ECMAScript uses; only the layout differs.
        BigDecimal decimal = new BigDecimal(Double.toString(Math.abs(value))).stripTrailingZeros();
        if (decimal.precision() == 2) {
            // Double.toString never emits fewer than two digits and then picks the closest
            // two-digit decimal (4.9E-324), where ECMAScript picks a shorter one that still
            // round-trips (5e-324).
            BigDecimal oneDigit = decimal.round(new MathContext(1, RoundingMode.HALF_EVEN));
            if (oneDigit.doubleValue() == Math.abs(value)) {
                decimal = oneDigit.stripTrailingZeros();
            }
        }
        String digits = decimal.unscaledValue().toString();
        int k = digits.length();
        int n = k - decimal.scale(); // value = 0.digits * 10^n
        StringBuilder out = new StringBuilder(sign);
        if (k <= n && n <= 21) {
            out.append(digits).append("0".repeat(n - k));
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.").append("0".repeat(-n)).append(digits);
        } else {
            int exponent = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) {
                out.append('.').append(digits, 1, k);
            }
            out.append('e').append(exponent < 0 ? '-' : '+').append(Math.abs(exponent));
        }
        return out.toString();
    }

    /** Appends {@code text} as an RFC 8785 JSON string (quoted, minimal escapes), for writers of fixed-shape canonical JSON. */
    public static void appendString(String text, StringBuilder out) {
        writeString(text, out);
    }

    private static void writeString(String text, StringBuilder out) {
        out.append('"');
        if (!needsEscaping(text)) { // the usual case: one bulk copy instead of a switch per character
            out.append(text).append('"');
            return;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static boolean needsEscaping(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                return true;
            }
        }
        return false;
    }
}
