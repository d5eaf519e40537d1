package dev.polity.charts;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** deploy/kubernetes: what the charts expect around them (Strimzi Kafka in KRaft mode, CloudNativePG, Keycloak). */
class DeployManifestsTest {

    static final Path DEPLOY = Charts.DIRECTORY.resolveSibling("deploy").resolve("kubernetes");

    static String read(String file) {
        try {
            return Files.readString(DEPLOY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void everyManifestParsesAsKubernetesObjects() throws IOException {
        try (Stream<Path> files = Files.list(DEPLOY)) {
            List<Path> manifests = files.filter(f -> f.toString().endsWith(".yaml")).toList();
            assertThat(manifests).isNotEmpty();
            for (Path manifest : manifests) {
                assertThat(Charts.parse(Files.readString(manifest))).as("%s", manifest.getFileName()).isNotEmpty()
                        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isNotBlank());
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void kafkaRunsInKraftModeWithANodePoolOfControllersAndBrokers() {
        List<HasMetadata> objects = Charts.parse(read("kafka.yaml"));

        GenericKubernetesResource pool = kind(objects, "KafkaNodePool").get(0);
        assertThat(pool.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "polity");
        assertThat((List<Object>) spec(pool).get("roles")).containsExactlyInAnyOrder("controller", "broker");
        GenericKubernetesResource kafka = kind(objects, "Kafka").get(0);
        assertThat(kafka.getMetadata().getName()).isEqualTo("polity");
        assertThat(kafka.getApiVersion()).isEqualTo("kafka.strimzi.io/v1");
        @SuppressWarnings("unchecked")
        Map<String, Object> broker = (Map<String, Object>) spec(kafka).get("kafka");
        assertThat(broker).doesNotContainKey("zookeeper");
        assertThat(spec(kafka)).doesNotContainKey("zookeeper");
        // The charts' default bootstrap address is this cluster's TLS listener.
        assertThat((List<Object>) broker.get("listeners")).anySatisfy(l ->
                assertThat((Map<String, Object>) l).containsEntry("port", 9093).containsEntry("tls", true));
    }

    @Test
    void everyServiceHasAKafkaUserWhoseSecretTheChartsRead() {
        Set<String> users = kind(Charts.parse(read("kafka-users.yaml")), "KafkaUser").stream()
                .map(u -> u.getMetadata().getName()).collect(Collectors.toSet());
        var central = Charts.readYaml(Charts.CENTRAL.resolve("values.yaml"));
        for (String service : List.of("syncService", "registryService", "auditService", "gateway")) {
            assertThat(users).contains(central.path(service).path("kafka").path("credentialsSecret").asText());
        }
        for (String region : List.of("values-eu.yaml", "values-us.yaml", "values-apac.yaml")) {
            var node = Charts.readYaml(Charts.NODE.resolve(region));
            String nodeUser = node.path("policyNode").path("kafka").path("credentialsSecret").asText();
            String gatewayUser = node.path("gateway").path("kafka").path("credentialsSecret").asText();
            assertThat(users).contains(nodeUser, gatewayUser);
            // The regional gateway's own user, not the central gateway's (which may write grants).
            assertThat(gatewayUser).as(region).isEqualTo(nodeUser + "-gateway");
        }
    }

    @Test
    void postgresHasADatabaseAndAnOwnerForEachCentralService() {
        List<HasMetadata> objects = Charts.parse(read("postgres.yaml"));
        GenericKubernetesResource cluster = kind(objects, "Cluster").get(0);
        var central = Charts.readYaml(Charts.CENTRAL.resolve("values.yaml"));

        assertThat(cluster.getMetadata().getName() + "-rw").isEqualTo(central.path("postgresql").path("host").asText());
        assertThat(cluster.getMetadata().getName() + "-ca").isEqualTo(central.path("postgresql").path("caSecret").path("name").asText());
        @SuppressWarnings("unchecked")
        Map<String, Object> initdb = (Map<String, Object>) ((Map<String, Object>) spec(cluster).get("bootstrap")).get("initdb");
        Set<String> databases = Stream.concat(Stream.of((String) initdb.get("database")),
                kind(objects, "Database").stream().map(d -> (String) spec(d).get("name"))).collect(Collectors.toSet());
        assertThat(databases).containsExactlyInAnyOrder("sync", "registry", "audit");
        for (String service : List.of("syncService", "registryService", "auditService")) {
            assertThat(databases).contains(central.path(service).path("database").path("name").asText());
        }
    }

    private static List<GenericKubernetesResource> kind(List<HasMetadata> objects, String kind) {
        return objects.stream().filter(o -> o.getKind().equals(kind)).map(GenericKubernetesResource.class::cast).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(GenericKubernetesResource resource) {
        return (Map<String, Object>) resource.getAdditionalProperties().get("spec");
    }
}
