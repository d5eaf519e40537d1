package dev.polity.devstack.kafka;

import dev.polity.contracts.TopicSpec;
import dev.polity.devstack.process.ChildProcesses;
import dev.polity.devstack.process.LogFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Creates topics on a Kafka cluster devstack did not start (EXTERNAL and CONTAINERS modes). The Admin client
 * runs in a short-lived child JVM with the broker classpath, so the caller needs no Kafka jars.
 */
public final class KafkaTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private KafkaTopics() {
    }

    /** Creates every topic of {@code topics} that does not exist yet; {@code directory} receives the request file and log. */
    public static void create(String bootstrapServers, List<TopicSpec> topics, Path directory) {
        try {
            Files.createDirectories(directory);
            Path topicsFile = directory.resolve("create-topics.properties");
            Path logFile = directory.resolve("create-topics.log");
            TopicRequest.write(topicsFile, toRequests(topics));
            List<String> command = new ArrayList<>(KafkaBroker.javaCommand(List.of("-Xmx128m", "-XX:TieredStopAtLevel=1")));
            command.addAll(List.of("-cp", BrokerClasspath.resolve(), CreateTopicsMain.class.getName(),
                    bootstrapServers, topicsFile.toString()));
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
            if (!process.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                ChildProcesses.kill(process.toHandle());
                throw new IllegalStateException("Creating topics on " + bootstrapServers + " did not finish within "
                        + TIMEOUT.toSeconds() + " s. Last lines of " + logFile + ":" + System.lineSeparator()
                        + LogFiles.lastLines(logFile, 30));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("Creating topics on " + bootstrapServers + " failed (exit code "
                        + process.exitValue() + "). Last lines of " + logFile + ":" + System.lineSeparator()
                        + LogFiles.lastLines(logFile, 30));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not run the topic creation JVM", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", e);
        }
    }

    static List<TopicRequest> toRequests(List<TopicSpec> topics) {
        return topics.stream().map(spec -> new TopicRequest(spec.name(), spec.partitions(), spec.configs())).toList();
    }
}
