package dev.polity.charts;

import dev.polity.contracts.Topics;
import dev.polity.contracts.TopicSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The optional Strimzi KafkaTopic resources are exactly the topics of dev.polity.contracts.Topics.ALL. */
class KafkaTopicsTest {

    @Test
    void centralRendersEveryPolityTopicWithItsPartitionsAndCleanup() {
        List<HasMetadata> objects = Render.of(Charts.CENTRAL, "polity-central", Charts.CENTRAL.resolve("values-production.yaml")).objects();

        assertThat(topics(objects)).isEqualTo(expected());
        assertThat(kafkaTopics(objects)).allSatisfy(t -> {
            assertThat(t.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
            assertThat(t.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "polity");
            assertThat(t.getMetadata().getAnnotations()).containsEntry("helm.sh/resource-policy", "keep");
        });
    }

    @Test
    void nodeRendersTheSameTopicsInTheTopicOperatorsNamespaceWhenAsked() {
        List<HasMetadata> objects = Render.of(Charts.NODE, "nimbus-ai-us", Charts.NODE.resolve("values-us.yaml"),
                Charts.testValues("node-all-features.yaml")).objects();

        assertThat(topics(objects)).isEqualTo(expected());
        assertThat(kafkaTopics(objects)).allSatisfy(t -> assertThat(t.getMetadata().getNamespace()).isEqualTo("kafka"));
    }

    @Test
    void noTopicsUnlessEnabled() {
        assertThat(kafkaTopics(Render.of(Charts.CENTRAL, "polity-central").objects())).isEmpty();
        assertThat(kafkaTopics(Render.of(Charts.NODE, "globalcorp-eu", Charts.NODE.resolve("values-eu.yaml")).objects())).isEmpty();
    }

    @Test
    void deployKubernetesCreatesTheSameTopics() {
        List<HasMetadata> objects = Charts.parse(DeployManifestsTest.read("kafka-topics.yaml"));

        assertThat(topics(objects)).isEqualTo(expected());
    }

    /** topic name -> "partitions config" in a comparable form. */
    static Map<String, String> expected() {
        return Topics.ALL.stream().collect(Collectors.toMap(TopicSpec::name,
                t -> t.partitions() + " " + new TreeMap<>(t.configs()), (a, b) -> a, TreeMap::new));
    }

    static Map<String, String> topics(List<HasMetadata> objects) {
        return kafkaTopics(objects).stream().collect(Collectors.toMap(
                t -> (String) spec(t).get("topicName"),
                t -> spec(t).get("partitions") + " " + new TreeMap<>(stringValues((Map<?, ?>) spec(t).get("config"))),
                (a, b) -> {
                    throw new AssertionError("topic rendered twice: " + a);
                }, TreeMap::new));
    }

    static List<GenericKubernetesResource> kafkaTopics(List<HasMetadata> objects) {
        return objects.stream().filter(o -> o.getKind().equals("KafkaTopic")).map(GenericKubernetesResource.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource topic) {
        return (Map<String, Object>) topic.getAdditionalProperties().get("spec");
    }

    private static Map<String, String> stringValues(Map<?, ?> config) {
        return config.entrySet().stream().collect(Collectors.toMap(e -> e.getKey().toString(), e -> e.getValue().toString()));
    }
}
