package dev.polity.devstack.kafka;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates topics with their configs through the Admin API. Runs in a child JVM (Kafka's classpath), never in the caller's. */
final class TopicCreator {

    private TopicCreator() {
    }

    /**
     * Waits until the cluster answers, then creates every topic that does not exist yet. Existing topics are
     * left alone: a persistent work directory or an external cluster may already have them. The replication
     * factor is the cluster's default (1 on the devstack broker, whatever an external cluster says).
     */
    static void createAll(String bootstrapServers, List<TopicRequest> topics, Duration timeout, PrintStream out)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "polity-devstack-topics");
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, String.valueOf(timeout.toMillis()));
        try (Admin admin = Admin.create(config)) {
            awaitCluster(admin, deadline);
            if (topics.isEmpty()) {
                return;
            }
            List<NewTopic> newTopics = topics.stream()
                    .map(topic -> new NewTopic(topic.name(), Optional.of(topic.partitions()), Optional.empty())
                            .configs(topic.configs()))
                    .toList();
            Map<String, KafkaFuture<Void>> results = admin.createTopics(newTopics).values();
            for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
                try {
                    result.getValue().get(remainingMillis(deadline), TimeUnit.MILLISECONDS);
                    out.println("created topic " + result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Could not create topic " + result.getKey(), e.getCause());
                    }
                    out.println("topic " + result.getKey() + " exists already");
                }
            }
        }
    }

    private static void awaitCluster(Admin admin, long deadline) throws InterruptedException {
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                if (!admin.describeCluster().nodes().get(Math.min(5_000, remainingMillis(deadline)),
                        TimeUnit.MILLISECONDS).isEmpty()) {
                    return;
                }
            } catch (ExecutionException | TimeoutException e) {
                last = e;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Kafka cluster did not answer in time", last);
    }

    private static long remainingMillis(long deadline) {
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    }
}
