package dev.polity.policy.decision.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Audit events Kafka could not take yet, one file per event, written durably (fsync, then an
 * atomic rename) before the decision is returned. Plain Java so it can be tested without Quarkus.
 *
 * <p>File names start with a zero-padded nanosecond counter so replay keeps the decision order.
 */
public final class DecisionSpool {

    private static final String SUFFIX = ".event";

    private final Path directory;

    public DecisionSpool(Path directory) {
        this.directory = directory;
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the decision spool " + directory, e);
        }
    }

    /** Durably stores an event; when this returns, a crash of the process cannot lose it. */
    public Path write(CloudEvent event) {
        ObjectNode record = Json.mapper().createObjectNode();
        ObjectNode headers = record.putObject("headers");
        event.toKafkaHeaders().forEach((name, value) -> headers.put(name, new String(value, StandardCharsets.UTF_8)));
        record.put("data", Base64.getEncoder().encodeToString(event.data()));
        String name = String.format("%020d-%s%s", System.nanoTime() & Long.MAX_VALUE, safe(event.id()), SUFFIX);
        Path target = directory.resolve(name);
        Path temporary = directory.resolve(name + ".tmp");
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            channel.write(ByteBuffer.wrap(Json.mapper().writeValueAsBytes(record)));
            channel.force(true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool audit event " + event.id(), e);
        }
        try {
            Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot spool audit event " + event.id(), e);
        }
        return target;
    }

    /** Spooled events, oldest first. Left-over temporary files (a crash mid-write) are not events: the caller never got that decision. */
    public List<Path> pending() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.filter(file -> file.getFileName().toString().endsWith(SUFFIX)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public CloudEvent read(Path file) {
        try {
            JsonNode record = Json.mapper().readTree(Files.readAllBytes(file));
            Map<String, byte[]> headers = new HashMap<>();
            record.get("headers").fields().forEachRemaining(entry ->
                    headers.put(entry.getKey(), entry.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            return CloudEvent.fromKafkaHeaders(headers, Base64.getDecoder().decode(record.get("data").asText()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read spooled event " + file, e);
        }
    }

    public void remove(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int size() {
        return pending().size();
    }

    /** On Linux an fsync of the directory makes the rename itself durable. */
    private void syncDirectory() {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not every platform allows it; the file's own fsync already happened.
        }
    }

    private static String safe(String id) {
        return id.replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
