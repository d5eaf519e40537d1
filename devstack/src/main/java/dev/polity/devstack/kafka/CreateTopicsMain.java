package dev.polity.devstack.kafka;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Entry point of the short-lived JVM that {@link KafkaTopics} launches to create topics on a cluster devstack
 * did not start (EXTERNAL and CONTAINERS modes), so the caller's JVM never needs Kafka's Admin client.
 *
 * <p>Arguments: {@code <bootstrap servers> <topics.properties>}. Exit code 0 when every topic exists afterwards.
 */
public final class CreateTopicsMain {

    private CreateTopicsMain() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: CreateTopicsMain <bootstrap servers> <topics.properties>");
            System.exit(2);
        }
        try {
            TopicCreator.createAll(args[0], TopicRequest.read(Path.of(args[1])), Duration.ofSeconds(50), System.out);
            System.exit(0);
        } catch (Exception e) {
            e.printStackTrace();
            System.exit(1);
        }
    }
}
