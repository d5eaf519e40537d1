package dev.polity.devstack.process;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the end of a child process's log file, for error messages that say why it did not start. */
public final class LogFiles {

    /** Enough tail to hold a Java stack trace without reading a log that may have grown to megabytes. */
    private static final int MAX_TAIL_BYTES = 64 * 1024;

    private LogFiles() {
    }

    /** The last {@code count} lines of {@code file}, joined with newlines; a note instead when it cannot be read. */
    public static String lastLines(Path file, int count) {
        if (!Files.isRegularFile(file)) {
            return "(no log written at " + file + ")";
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            long start = Math.max(0, length - MAX_TAIL_BYTES);
            byte[] bytes = new byte[(int) (length - start)];
            raf.seek(start);
            raf.readFully(bytes);
            List<String> lines = new ArrayList<>(new String(bytes, StandardCharsets.UTF_8).lines().toList());
            if (start > 0 && !lines.isEmpty()) {
                lines.removeFirst(); // probably cut in the middle
            }
            List<String> tail = lines.subList(Math.max(0, lines.size() - count), lines.size());
            return tail.isEmpty() ? "(log " + file + " is empty)" : String.join(System.lineSeparator(), tail);
        } catch (IOException e) {
            return "(could not read " + file + ": " + e.getMessage() + ")";
        }
    }

    /** Whether {@code file} exists and contains a line that starts with {@code prefix}. */
    public static boolean containsLineStartingWith(Path file, String prefix) {
        return findLineStartingWith(file, prefix) != null;
    }

    /** The first line of {@code file} that starts with {@code prefix}, or {@code null}. */
    public static String findLineStartingWith(Path file, String prefix) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
            return lines.filter(line -> line.startsWith(prefix)).findFirst().orElse(null);
        } catch (IOException | UncheckedIOException e) {
            // Malformed input or a concurrent rotation: the caller polls again.
            return null;
        }
    }
}
