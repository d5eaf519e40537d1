package dev.polity.devstack;

import dev.polity.contracts.TopicSpec;
import dev.polity.contracts.Topics;
import dev.polity.devstack.kafka.KafkaBroker;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Devstack#start(DevstackOptions)} should provide.
 *
 * @param mode          where Kafka and PostgreSQL come from
 * @param workDirectory where data and logs go; empty means a fresh temporary directory that
 *                      {@link Devstack#close()} deletes
 * @param kafka         whether to provide Kafka (and create {@code topics} on it)
 * @param postgres      whether to provide PostgreSQL
 * @param topics        the topics to create, with their configs
 * @param kafkaJvmOptions options of the Kafka broker's JVM (local mode only): {@link KafkaBroker#TEST_JVM_OPTIONS}
 *                        unless a benchmark asks for {@link KafkaBroker#SERVER_JVM_OPTIONS}
 */
public record DevstackOptions(DevstackMode mode, Optional<Path> workDirectory, boolean kafka, boolean postgres,
                              List<TopicSpec> topics, List<String> kafkaJvmOptions) {

    public DevstackOptions {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(workDirectory, "workDirectory");
        topics = List.copyOf(topics);
        kafkaJvmOptions = List.copyOf(kafkaJvmOptions);
    }

    /** Kafka with every Polity topic and PostgreSQL, in the mode {@code POLITY_DEVSTACK_MODE} names, in a temporary directory. */
    public static DevstackOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private DevstackMode mode;
        private Path workDirectory;
        private boolean kafka = true;
        private boolean postgres = true;
        private List<TopicSpec> topics = Topics.ALL;
        private List<String> kafkaJvmOptions = KafkaBroker.TEST_JVM_OPTIONS;

        private Builder() {
        }

        /** Defaults to {@link DevstackMode#fromEnvironment()}. */
        public Builder mode(DevstackMode mode) {
            this.mode = Objects.requireNonNull(mode, "mode");
            return this;
        }

        /** A directory that survives {@link Devstack#close()}; data in it is reused by the next start. */
        public Builder workDirectory(Path workDirectory) {
            this.workDirectory = Objects.requireNonNull(workDirectory, "workDirectory");
            return this;
        }

        public Builder kafka(boolean kafka) {
            this.kafka = kafka;
            return this;
        }

        public Builder postgres(boolean postgres) {
            this.postgres = postgres;
            return this;
        }

        /** Defaults to {@link Topics#ALL}. */
        public Builder topics(List<TopicSpec> topics) {
            this.topics = List.copyOf(topics);
            return this;
        }

        /** Defaults to {@link KafkaBroker#TEST_JVM_OPTIONS}. */
        public Builder kafkaJvmOptions(List<String> kafkaJvmOptions) {
            this.kafkaJvmOptions = List.copyOf(kafkaJvmOptions);
            return this;
        }

        public DevstackOptions build() {
            return new DevstackOptions(mode != null ? mode : DevstackMode.fromEnvironment(),
                    Optional.ofNullable(workDirectory), kafka, postgres, topics, kafkaJvmOptions);
        }
    }
}
