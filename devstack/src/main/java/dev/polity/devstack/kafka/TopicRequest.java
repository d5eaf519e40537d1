package dev.polity.devstack.kafka;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A topic to create, as handed from the parent JVM to the broker JVM in a properties file. Deliberately
 * JDK-only (not {@code dev.polity.contracts.TopicSpec}): the broker JVM's classpath holds Kafka and devstack's
 * own classes, nothing else.
 *
 * <p>File layout: {@code topic.<i>.name}, {@code topic.<i>.partitions}, {@code topic.<i>.config.<key>}.
 */
public record TopicRequest(String name, int partitions, Map<String, String> configs) {

    public TopicRequest {
        configs = Map.copyOf(configs);
    }

    public static void write(Path file, List<TopicRequest> topics) {
        Properties properties = new Properties();
        for (int i = 0; i < topics.size(); i++) {
            TopicRequest topic = topics.get(i);
            String prefix = "topic." + i + ".";
            properties.setProperty(prefix + "name", topic.name());
            properties.setProperty(prefix + "partitions", String.valueOf(topic.partitions()));
            topic.configs().forEach((key, value) -> properties.setProperty(prefix + "config." + key, value));
        }
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(writer, "Topics for the devstack Kafka broker");
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    public static List<TopicRequest> read(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not read " + file, e);
        }
        List<TopicRequest> topics = new ArrayList<>();
        for (int i = 0; properties.containsKey("topic." + i + ".name"); i++) {
            String prefix = "topic." + i + ".";
            String configPrefix = prefix + "config.";
            Map<String, String> configs = new TreeMap<>();
            for (String key : properties.stringPropertyNames()) {
                if (key.startsWith(configPrefix)) {
                    configs.put(key.substring(configPrefix.length()), properties.getProperty(key));
                }
            }
            topics.add(new TopicRequest(properties.getProperty(prefix + "name"),
                    Integer.parseInt(properties.getProperty(prefix + "partitions")), configs));
        }
        return topics;
    }
}
