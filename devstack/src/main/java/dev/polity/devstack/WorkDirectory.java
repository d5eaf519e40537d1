package dev.polity.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Temporary work directories. Each records the pid and start time of the JVM that owns it, so the next start
 * can delete directories whose JVM was killed before it could clean up (their processes stop themselves; only
 * the files would be left).
 */
final class WorkDirectory {

    private static final String PREFIX = "polity-devstack-";
    private static final String OWNER_FILE = "owner";

    private WorkDirectory() {
    }

    static Path createTemporary() {
        Path temp = Path.of(System.getProperty("java.io.tmpdir"));
        deleteAbandoned(temp);
        try {
            Path directory = Files.createTempDirectory(temp, PREFIX);
            // World-searchable: PostgreSQL runs as user postgres when we are root and must reach its subdirectory.
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            ProcessHandle self = ProcessHandle.current();
            Files.writeString(directory.resolve(OWNER_FILE), self.pid() + " "
                    + self.info().startInstant().map(Instant::toEpochMilli).orElse(0L), StandardCharsets.UTF_8);
            return directory;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a work directory in " + temp, e);
        }
    }

    static void delete(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try {
            Files.walkFileTree(directory, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE; // a server removed it while shutting down
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.getLogger(WorkDirectory.class.getName()).log(System.Logger.Level.WARNING,
                    "Could not delete {0}: {1}", directory, e.toString());
        }
    }

    private static void deleteAbandoned(Path temp) {
        try (Stream<Path> entries = Files.list(temp)) {
            List<Path> abandoned = entries
                    .filter(path -> path.getFileName().toString().startsWith(PREFIX))
                    .filter(path -> Files.isRegularFile(path.resolve(OWNER_FILE)))
                    .filter(path -> !ownerIsAlive(path.resolve(OWNER_FILE)))
                    .toList();
            abandoned.forEach(WorkDirectory::delete);
        } catch (IOException | UncheckedIOException e) {
            // Best effort: an unreadable temp directory only means litter stays.
        }
    }

    private static boolean ownerIsAlive(Path ownerFile) {
        try {
            String[] owner = Files.readString(ownerFile, StandardCharsets.UTF_8).strip().split(" ");
            long pid = Long.parseLong(owner[0]);
            long startMillis = Long.parseLong(owner[1]);
            Optional<ProcessHandle> process = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
            // A live process with another start time is an unrelated process that reused the pid.
            return process.isPresent() && (startMillis == 0 || process.get().info().startInstant()
                    .map(start -> start.toEpochMilli() == startMillis).orElse(true));
        } catch (IOException | RuntimeException e) {
            return true; // when in doubt, keep it
        }
    }
}
