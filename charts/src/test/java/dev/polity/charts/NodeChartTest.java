package dev.polity.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.polity.charts.RenderedManifestsTest.of;
import static org.assertj.core.api.Assertions.assertThat;

/** The node chart per region: its configuration, its volume, and who may talk to whom. */
class NodeChartTest {

    private static final Render EU = Render.of(Charts.NODE, "globalcorp-eu", Charts.NODE.resolve("values-eu.yaml"));

    @ParameterizedTest(name = "{0}")
    @CsvSource({"values-eu.yaml, globalcorp-eu, eu", "values-us.yaml, nimbus-ai, us", "values-apac.yaml, globalcorp-hq, apac"})
    void rendersTheRegionAndOrganizationIntoTheNodesConfiguration(String valuesFile, String organization, String region) {
        List<HasMetadata> objects = Render.of(Charts.NODE, organization + "-" + region, Charts.NODE.resolve(valuesFile)).objects();
        StatefulSet node = of(objects, StatefulSet.class).get(0);
        Map<String, String> config = nodeConfig(objects, node);

        assertThat(config).containsEntry("POLITY_NODE_REGION", region)
                .containsEntry("POLITY_NODE_ORGANIZATION_ID", organization)
                .containsKey("POLITY_NODE_TRUSTED_PUBLIC_KEYS")
                .containsKey("KAFKA_BOOTSTRAP_SERVERS");
        assertThat(node.getMetadata().getLabels()).containsEntry("polity.dev/region", region)
                .containsEntry("polity.dev/organization", organization);
    }

    @Test
    void rendersRegionEuIntoTheEuNodesConfiguration() {
        List<HasMetadata> objects = EU.objects();
        Map<String, String> config = nodeConfig(objects, of(objects, StatefulSet.class).get(0));

        assertThat(config).containsEntry("POLITY_NODE_REGION", "eu");
        assertThat(EU.manifest()).contains("POLITY_NODE_REGION: \"eu\"");
    }

    /** The node's JVM options are the ones bench/decision-throughput measures with; the gateway gets its heap share. */
    @Test
    void givesThePolicyNodeAndTheGatewayTheirJvmOptions() {
        List<HasMetadata> objects = Render.of(Charts.NODE, "globalcorp-eu", Charts.NODE.resolve("values-eu.yaml")).objects();
        assertThat(env(of(objects, StatefulSet.class).get(0))).containsEntry("JAVA_TOOL_OPTIONS",
                "-XX:+UseParallelGC -XX:MaxRAMPercentage=60 -XX:NewRatio=1 -XX:+ExitOnOutOfMemoryError");
        assertThat(env(of(objects, Deployment.class).get(0))).containsEntry("JAVA_TOOL_OPTIONS",
                "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void keepsTheLastGoodBundleAndTheSpoolOnAPersistentVolumePerReplica() {
        List<HasMetadata> objects = EU.objects();
        StatefulSet node = of(objects, StatefulSet.class).get(0);
        String stateDirectory = nodeConfig(objects, node).get("POLITY_NODE_STATE_DIRECTORY");

        var claim = node.getSpec().getVolumeClaimTemplates().get(0);
        assertThat(claim.getSpec().getAccessModes()).containsExactly("ReadWriteOnce");
        assertThat(claim.getSpec().getResources().getRequests().get("storage").toString()).isEqualTo("2Gi");
        assertThat(node.getSpec().getTemplate().getSpec().getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> {
                    assertThat(m.getName()).isEqualTo(claim.getMetadata().getName());
                    assertThat(m.getMountPath()).isEqualTo(stateDirectory);
                });
        assertThat(node.getSpec().getPersistentVolumeClaimRetentionPolicy().getWhenDeleted()).isEqualTo("Retain");
    }

    @Test
    void routesTheOrganizationsDecisionsToItsOwnNodeAndEverythingElseToTheCentralAuthority() {
        List<HasMetadata> objects = EU.objects();
        Deployment gateway = of(objects, Deployment.class).get(0);
        StatefulSet node = of(objects, StatefulSet.class).get(0);
        String nodeService = of(objects, io.fabric8.kubernetes.api.model.Service.class).stream()
                .map(s -> s.getMetadata().getName())
                .filter(n -> n.equals(node.getMetadata().getName())).findFirst().orElseThrow();

        Map<String, String> env = of(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(gateway.getMetadata().getName())).findFirst().orElseThrow().getData();
        String routes = of(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(gateway.getMetadata().getName() + "-routes"))
                .findFirst().orElseThrow().getData().get("routes.properties");

        assertThat(routes.strip()).isEqualTo("polity.gateway.policy-nodes.globalcorp-eu=http://" + nodeService);
        assertThat(env).containsEntry("QUARKUS_CONFIG_LOCATIONS", "/etc/polity/gateway/routes.properties")
                .containsEntry("POLITY_GATEWAY_REGISTRY_URL", "https://polity.example.com")
                .containsEntry("POLITY_GATEWAY_BREAK_GLASS_MANAGE", "false")
                .containsEntry("QUARKUS_OIDC_AUTH_SERVER_URL", "https://keycloak.example.com/realms/polity");
    }

    @Test
    void euNetworkPoliciesAdmitTrafficFromOutsideTheReleaseOnlyToTheGateway() {
        List<HasMetadata> objects = EU.objects();
        Map<String, String> gatewayPods = RenderedManifestsTest.podTemplate(of(objects, Deployment.class).get(0)).getMetadata().getLabels();
        Map<String, String> nodePods = RenderedManifestsTest.podTemplate(of(objects, StatefulSet.class).get(0)).getMetadata().getLabels();
        List<NetworkPolicy> policies = of(objects, NetworkPolicy.class);

        // A default deny for every pod of the release, in both directions.
        assertThat(policies).anySatisfy(p -> {
            assertThat(p.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
            assertThat(p.getSpec().getIngress()).isNullOrEmpty();
            assertThat(p.getSpec().getEgress()).isNullOrEmpty();
            assertThat(gatewayPods).containsAllEntriesOf(p.getSpec().getPodSelector().getMatchLabels());
            assertThat(nodePods).containsAllEntriesOf(p.getSpec().getPodSelector().getMatchLabels());
        });
        // Every policy restricts ingress; only the gateway's admits anyone from outside the release.
        for (NetworkPolicy policy : policies) {
            assertThat(policy.getSpec().getPolicyTypes()).contains("Ingress");
            boolean selectsGateway = gatewayPods.entrySet().containsAll(policy.getSpec().getPodSelector().getMatchLabels().entrySet());
            for (var rule : policy.getSpec().getIngress()) {
                boolean fromOutside = rule.getFrom() == null || rule.getFrom().isEmpty()
                        || rule.getFrom().stream().anyMatch(peer -> !isPodOfRelease(peer, "globalcorp-eu"));
                if (fromOutside) {
                    assertThat(selectsGateway).as("%s admits traffic from outside the release", policy.getMetadata().getName()).isTrue();
                }
            }
        }
        // The gateway: its HTTP port, from the ingress controller's namespace only.
        NetworkPolicy gatewayPolicy = policies.stream()
                .filter(p -> p.getSpec().getPodSelector().getMatchLabels().equals(Map.of(
                        "app.kubernetes.io/name", "gateway", "app.kubernetes.io/instance", "globalcorp-eu")))
                .findFirst().orElseThrow();
        assertThat(gatewayPolicy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8080));
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> assertThat(peer.getNamespaceSelector().getMatchLabels())
                    .containsEntry("kubernetes.io/metadata.name", "ingress-nginx"));
        });
        // The policy node: only from this release's gateway, on its own port.
        NetworkPolicy nodePolicy = policies.stream()
                .filter(p -> nodePods.entrySet().containsAll(p.getSpec().getPodSelector().getMatchLabels().entrySet())
                        && p.getSpec().getPodSelector().getMatchLabels().containsKey("app.kubernetes.io/name"))
                .findFirst().orElseThrow();
        assertThat(nodePolicy.getSpec().getIngress()).singleElement().satisfies(rule -> {
            assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                assertThat(peer.getNamespaceSelector()).isNull();
                assertThat(gatewayPods).containsAllEntriesOf(peer.getPodSelector().getMatchLabels());
            });
            assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(8084));
        });
        // The node reaches Kafka (and DNS) only.
        assertThat(nodePolicy.getSpec().getEgress()).hasSize(2).anySatisfy(rule ->
                assertThat(rule.getPorts()).singleElement().satisfies(p -> assertThat(p.getPort().getIntVal()).isEqualTo(9093)));
    }

    /**
     * The pipeline gateway reads break-glass grants from Kafka and writes the audit events of their use: the node's
     * Kafka settings and CA, its own Kafka user (not the node's, not the central gateway's), and Kafka egress.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource({"values-eu.yaml, globalcorp-eu, eu, 9093", "values-us.yaml, nimbus-ai, us, 9094",
            "values-apac.yaml, globalcorp-hq, apac, 9094"})
    void givesThePipelineGatewayTheNodesKafkaSettingsWithItsOwnCredentialsAndKafkaEgress(String valuesFile, String organization,
                                                                                     String region, int kafkaPort) {
        String release = organization + "-" + region;
        List<HasMetadata> objects = Render.of(Charts.NODE, release, Charts.NODE.resolve(valuesFile)).objects();
        Deployment gateway = of(objects, Deployment.class).get(0);
        StatefulSet node = of(objects, StatefulSet.class).get(0);
        Map<String, String> gatewayConfig = gatewayConfig(objects, gateway);
        Map<String, String> nodeConfig = nodeConfig(objects, node);

        for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "KAFKA_SSL_TRUSTSTORE_LOCATION")) {
            assertThat(gatewayConfig).as(key).containsKey(key).containsEntry(key, nodeConfig.get(key));
        }
        assertThat(gatewayConfig).containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/polity/kafka-ca/ca.crt");
        assertThat(gatewayConfig.get("KAFKA_BOOTSTRAP_SERVERS")).endsWith(":" + kafkaPort);
        assertThat(env(gateway)).containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret polity-node-" + organization + "-gateway/sasl.jaas.config");
        assertThat(env(node)).containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret polity-node-" + organization + "/sasl.jaas.config");

        var pod = gateway.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("kafka-ca");
            assertThat(v.getSecret().getSecretName()).isEqualTo("polity-cluster-ca-cert");
        });
        assertThat(pod.getContainers().get(0).getVolumeMounts()).anySatisfy(m -> {
            assertThat(m.getName()).isEqualTo("kafka-ca");
            assertThat(m.getMountPath()).isEqualTo("/etc/polity/kafka-ca");
            assertThat(m.getReadOnly()).isTrue();
        });

        NetworkPolicy policy = of(objects, NetworkPolicy.class).stream()
                .filter(p -> p.getSpec().getPodSelector().getMatchLabels().equals(Map.of(
                        "app.kubernetes.io/name", "gateway", "app.kubernetes.io/instance", release)))
                .findFirst().orElseThrow();
        // DNS, the OIDC issuer, its policy node, the central gateway and Kafka: nothing else.
        assertThat(policy.getSpec().getEgress()).hasSize(5).anySatisfy(rule ->
                assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(kafkaPort));
        if (region.equals("eu")) {
            // In the central cluster: only the brokers of the polity Kafka cluster.
            assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
                assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9093);
                assertThat(rule.getTo()).singleElement().satisfies(peer -> {
                    assertThat(peer.getNamespaceSelector().getMatchLabels()).containsEntry("kubernetes.io/metadata.name", "polity");
                    assertThat(peer.getPodSelector().getMatchLabels()).containsEntry("strimzi.io/cluster", "polity")
                            .containsEntry("strimzi.io/kind", "Kafka");
                });
            });
        }
    }

    @Test
    void withTlsButNoSaslTheGatewayMountsTheCaAndReadsNoKafkaCredentials() {
        List<HasMetadata> objects = Render.of(Charts.NODE, "nimbus-ai-us", Charts.NODE.resolve("values-us.yaml"),
                Charts.testValues("node-all-features.yaml")).objects();
        Deployment gateway = of(objects, Deployment.class).get(0);

        assertThat(env(gateway)).doesNotContainKey("KAFKA_SASL_JAAS_CONFIG");
        assertThat(gatewayConfig(objects, gateway)).containsEntry("KAFKA_SECURITY_PROTOCOL", "SSL")
                .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/polity/kafka-ca/ca.crt")
                .doesNotContainKey("KAFKA_SASL_MECHANISM");
        assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName()).contains("kafka-ca");
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServiceMonitorScrapesEveryWorkloadThroughExactlyOneService() {
        List<HasMetadata> objects = Render.of(Charts.NODE, "nimbus-ai-us", Charts.NODE.resolve("values-us.yaml"),
                Charts.testValues("node-all-features.yaml")).objects();
        var monitor = (io.fabric8.kubernetes.api.model.GenericKubernetesResource) objects.stream()
                .filter(o -> o.getKind().equals("ServiceMonitor")).findFirst().orElseThrow();
        Map<String, Object> selector = (Map<String, Object>) ((Map<String, Object>) monitor.getAdditionalProperties().get("spec")).get("selector");
        Map<String, String> matchLabels = (Map<String, String>) selector.get("matchLabels");
        List<Map<String, Object>> expressions = (List<Map<String, Object>>) selector.get("matchExpressions");

        List<io.fabric8.kubernetes.api.model.Service> scraped = of(objects, io.fabric8.kubernetes.api.model.Service.class).stream()
                .filter(s -> s.getMetadata().getLabels().entrySet().containsAll(matchLabels.entrySet()))
                .filter(s -> expressions.stream().allMatch(e -> e.get("operator").equals("DoesNotExist")
                        && !s.getMetadata().getLabels().containsKey((String) e.get("key"))))
                .toList();
        for (HasMetadata workload : RenderedManifestsTest.workloads(objects)) {
            Map<String, String> pods = RenderedManifestsTest.podTemplate(workload).getMetadata().getLabels();
            assertThat(scraped).as("Services scraped for %s", workload.getMetadata().getName())
                    .filteredOn(s -> pods.entrySet().containsAll(s.getSpec().getSelector().entrySet())).hasSize(1);
        }
    }

    private static boolean isPodOfRelease(NetworkPolicyPeer peer, String release) {
        return peer.getNamespaceSelector() == null && peer.getIpBlock() == null && peer.getPodSelector() != null
                && release.equals(peer.getPodSelector().getMatchLabels().get("app.kubernetes.io/instance"));
    }

    private static Map<String, String> nodeConfig(List<HasMetadata> objects, StatefulSet node) {
        return configMap(objects, node);
    }

    private static Map<String, String> gatewayConfig(List<HasMetadata> objects, Deployment gateway) {
        return configMap(objects, gateway);
    }

    /** The data of the ConfigMap a workload's container takes its environment from. */
    private static Map<String, String> configMap(List<HasMetadata> objects, HasMetadata workload) {
        String configMap = RenderedManifestsTest.podTemplate(workload).getSpec().getContainers().get(0).getEnvFrom().get(0)
                .getConfigMapRef().getName();
        return of(objects, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(configMap))
                .findFirst().orElseThrow().getData();
    }

    /** A workload's environment variables as "value" or "secret name/key". */
    private static Map<String, String> env(HasMetadata workload) {
        Map<String, String> result = new LinkedHashMap<>();
        List<EnvVar> env = RenderedManifestsTest.podTemplate(workload).getSpec().getContainers().get(0).getEnv();
        for (EnvVar e : env == null ? List.<EnvVar>of() : env) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                result.put(e.getName(), "secret " + e.getValueFrom().getSecretKeyRef().getName() + "/"
                        + e.getValueFrom().getSecretKeyRef().getKey());
            } else {
                result.put(e.getName(), e.getValue());
            }
        }
        return result;
    }
}
