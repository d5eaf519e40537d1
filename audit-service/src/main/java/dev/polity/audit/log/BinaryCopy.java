package dev.polity.audit.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;

/**
 * Rows in PostgreSQL's binary {@code COPY} format (the "PGCOPY" file format of the {@code COPY} reference page):
 * a header, per row a 16-bit field count and per field a 32-bit length (-1 for null) followed by the value in the
 * type's binary send format, and a -1 trailer. Each value must be written in exactly the binary format of its
 * column's type: {@code int8}, {@code int4}, {@code int2}, {@code text}/{@code char(n)} (UTF-8 bytes),
 * {@code bytea} (raw bytes), {@code timestamptz} (microseconds since 2000-01-01 00:00 UTC).
 */
final class BinaryCopy {

    private static final byte[] HEADER = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xff, '\r', '\n', 0,
            0, 0, 0, 0, // flags: no OIDs
            0, 0, 0, 0}; // header extension length
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970. */
    private static final long POSTGRES_EPOCH_SECONDS = 946_684_800L;

    private byte[] buffer;
    private int length;

    BinaryCopy(int expectedBytes) {
        buffer = new byte[Math.max(64, expectedBytes)];
        System.arraycopy(HEADER, 0, buffer, 0, HEADER.length);
        length = HEADER.length;
    }

    BinaryCopy row(int fields) {
        ensure(2);
        putShort(fields);
        return this;
    }

    BinaryCopy int8(long value) {
        ensure(12);
        putInt(8);
        putLong(value);
        return this;
    }

    BinaryCopy int4(int value) {
        ensure(8);
        putInt(4);
        putInt(value);
        return this;
    }

    BinaryCopy int2(int value) {
        ensure(6);
        putInt(2);
        putShort(value);
        return this;
    }

    /**
     * Overwrites the value of an {@code int8} field written earlier: {@code field} is {@link #length()} just before
     * that field's {@link #int8} call. Lets rows be encoded before a value they hold (a sequence number) is known.
     */
    void setInt8(int field, long value) {
        if (field < HEADER.length || field + 12 > length) {
            throw new IndexOutOfBoundsException("no int8 field at " + field);
        }
        int at = field + 4; // after the field's length
        for (int shift = 56; shift >= 0; shift -= 8) {
            buffer[at++] = (byte) (value >>> shift);
        }
    }

    BinaryCopy timestamptz(Instant value) {
        return int8(Math.addExact(Math.multiplyExact(value.getEpochSecond() - POSTGRES_EPOCH_SECONDS, 1_000_000L),
                value.getNano() / 1_000));
    }

    BinaryCopy bytes(byte[] value) {
        if (value == null) {
            return nul();
        }
        ensure(4 + value.length);
        putInt(value.length);
        System.arraycopy(value, 0, buffer, length, value.length);
        length += value.length;
        return this;
    }

    /** Text as UTF-8 ({@link String#getBytes} is an array copy for ASCII text). */
    BinaryCopy text(String value) {
        return value == null ? nul() : bytes(value.getBytes(StandardCharsets.UTF_8));
    }

    BinaryCopy nul() {
        ensure(4);
        putInt(-1);
        return this;
    }

    /** Appends the trailer; the returned array's first {@link #length()} bytes are the COPY data. */
    byte[] finish() {
        ensure(2);
        putShort(-1);
        return buffer;
    }

    int length() {
        return length;
    }

    private void ensure(int more) {
        if (length + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + more));
        }
    }

    private void putShort(int value) {
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putInt(int value) {
        buffer[length++] = (byte) (value >>> 24);
        buffer[length++] = (byte) (value >>> 16);
        buffer[length++] = (byte) (value >>> 8);
        buffer[length++] = (byte) value;
    }

    private void putLong(long value) {
        putInt((int) (value >>> 32));
        putInt((int) value);
    }
}
