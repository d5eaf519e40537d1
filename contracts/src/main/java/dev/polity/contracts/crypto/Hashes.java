package dev.polity.contracts.crypto;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. Hashes are written as lower-case hex everywhere in Polity. */
public final class Hashes {

    private Hashes() {
    }

    public static byte[] sha256(byte[] input) {
        return newSha256().digest(input);
    }

    public static String sha256Hex(byte[] input) {
        return HexFormat.of().formatHex(sha256(input));
    }

    /**
     * A fresh SHA-256 digest. Cloned from a prototype: {@code MessageDigest.getInstance} looks the
     * provider up on every call, which was the largest single allocation of the audit log's ingest
     * (several hashes per event, thousands of events per second).
     */
    public static MessageDigest newSha256() {
        try {
            return (MessageDigest) SHA256_PROTOTYPE.clone();
        } catch (CloneNotSupportedException e) {
            return lookUpSha256();
        }
    }

    private static final MessageDigest SHA256_PROTOTYPE = lookUpSha256();

    private static MessageDigest lookUpSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK ships SHA-256", e);
        }
    }

    /** Whether {@code text} is a SHA-256 in lower-case hex (64 of 0-9a-f); a loop, as the audit log checks one per event. */
    public static boolean isSha256Hex(String text) {
        if (text == null || text.length() != 64) {
            return false;
        }
        for (int i = 0; i < 64; i++) {
            char c = text.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
                return false;
            }
        }
        return true;
    }
}
