package dev.polity.policy.decision.service;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * An append-only buffer of JSON text as UTF-8 bytes, for {@link DecisionJsonWriter}: the caller writes
 * the punctuation itself (mostly as pre-encoded fragments such as {@code ,"decision":}), this class
 * encodes strings and numbers.
 *
 * <p>Strings are escaped as Jackson escapes them by default, so the output is byte for byte what
 * databind writes: {@code "} and {@code \}, the control characters {@code \b \t \n \f \r} by their short
 * escapes and every other one below U+0020 as a six-character escape (backslash, u, 00, two upper-case hex
 * digits); everything else as UTF-8.
 * The one difference is a lone surrogate (not valid Unicode), which Jackson refuses to write and this
 * writes as U+FFFD, so a malformed string in a request cannot make its decision unanswerable.
 */
final class JsonBytes {

    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    /** Per ASCII character: 0 copy as is, -1 a six-character escape (backslash, u, 00, two upper-case hex digits), else the letter of its short escape. */
    private static final int[] ESCAPES = new int[128];
    private static final byte[] NULL = ascii("null");
    private static final byte[] TRUE = ascii("true");
    private static final byte[] FALSE = ascii("false");

    static {
        for (int c = 0; c < 0x20; c++) {
            ESCAPES[c] = -1;
        }
        ESCAPES['"'] = '"';
        ESCAPES['\\'] = '\\';
        ESCAPES['\b'] = 'b';
        ESCAPES['\t'] = 't';
        ESCAPES['\n'] = 'n';
        ESCAPES['\f'] = 'f';
        ESCAPES['\r'] = 'r';
    }

    private byte[] bytes;
    private int length;
    /** The characters of the string being written: an array loop, where {@code String.charAt} per character showed in the profile. */
    private char[] chars = new char[256];

    JsonBytes(int capacity) {
        this.bytes = new byte[capacity];
    }

    /** The bytes of a piece of JSON text that is pure ASCII (field names, punctuation), for constants. */
    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code value} as a JSON string (quoted and escaped), or {@code null}: a string encoded once, written often. */
    static byte[] quoted(String value) {
        JsonBytes out = new JsonBytes(value == null ? 4 : value.length() + 16);
        out.string(value);
        return out.toByteArray();
    }

    void reset() {
        length = 0;
    }

    int length() {
        return length;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(bytes, length);
    }

    JsonBytes raw(byte[] fragment) {
        ensure(fragment.length);
        System.arraycopy(fragment, 0, bytes, length, fragment.length);
        length += fragment.length;
        return this;
    }

    JsonBytes raw(char asciiCharacter) {
        ensure(1);
        bytes[length++] = (byte) asciiCharacter;
        return this;
    }

    JsonBytes bool(boolean value) {
        return raw(value ? TRUE : FALSE);
    }

    JsonBytes nullValue() {
        return raw(NULL);
    }

    /** A decimal integer, as {@link Long#toString(long)} writes it. */
    JsonBytes number(long value) {
        if (value == Long.MIN_VALUE) {
            return raw(ascii(Long.toString(value)));
        }
        ensure(20);
        if (value < 0) {
            bytes[length++] = '-';
            value = -value;
        }
        int digits = 1;
        for (long rest = value / 10; rest > 0; rest /= 10) {
            digits++;
        }
        int position = length + digits;
        length = position;
        do {
            bytes[--position] = (byte) ('0' + (int) (value % 10));
            value /= 10;
        } while (value > 0);
        return this;
    }

    /** {@code value} quoted and escaped, or {@code null}. */
    JsonBytes string(String value) {
        if (value == null) {
            return nullValue();
        }
        int count = value.length();
        // Worst case 6 bytes per character (a six-character escape); UTF-8 needs at most 3 per UTF-16 unit.
        ensure(count * 6 + 2);
        if (chars.length < count) {
            chars = new char[Math.max(count, chars.length * 2)];
        }
        char[] in = chars;
        value.getChars(0, count, in, 0);
        byte[] out = bytes;
        int at = length;
        out[at++] = '"';
        for (int i = 0; i < count; i++) {
            char c = in[i];
            if (c < 0x80) {
                int escape = ESCAPES[c];
                if (escape == 0) {
                    out[at++] = (byte) c;
                } else if (escape > 0) {
                    out[at++] = '\\';
                    out[at++] = (byte) escape;
                } else {
                    out[at++] = '\\';
                    out[at++] = 'u';
                    out[at++] = '0';
                    out[at++] = '0';
                    out[at++] = HEX[c >> 4];
                    out[at++] = HEX[c & 0xF];
                }
            } else if (c < 0x800) {
                out[at++] = (byte) (0xC0 | (c >> 6));
                out[at++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isHighSurrogate(c) && i + 1 < count && Character.isLowSurrogate(in[i + 1])) {
                int codePoint = Character.toCodePoint(c, in[++i]);
                out[at++] = (byte) (0xF0 | (codePoint >> 18));
                out[at++] = (byte) (0x80 | ((codePoint >> 12) & 0x3F));
                out[at++] = (byte) (0x80 | ((codePoint >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (codePoint & 0x3F));
            } else {
                char unit = Character.isSurrogate(c) ? '\uFFFD' : c;
                out[at++] = (byte) (0xE0 | (unit >> 12));
                out[at++] = (byte) (0x80 | ((unit >> 6) & 0x3F));
                out[at++] = (byte) (0x80 | (unit & 0x3F));
            }
        }
        out[at++] = '"';
        length = at;
        return this;
    }

    private void ensure(int more) {
        if (length + more > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
        }
    }
}
