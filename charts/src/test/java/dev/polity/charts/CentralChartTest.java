package dev.polity.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.polity.charts.RenderedManifestsTest.of;
import static org.assertj.core.api.Assertions.assertThat;

/** The central chart: secrets from Secrets, configuration as environment variables, and who may talk to whom. */
class CentralChartTest {

    private static final Render DEFAULTS = Render.of(Charts.CENTRAL, "polity-central");

    @Test
    void takesSigningKeysAndDatabaseCredentialsFromSecretsOnly() {
        List<HasMetadata> objects = DEFAULTS.objects();
        Deployment sync = deployment(objects, "sync-service");
        Deployment audit = deployment(objects, "audit-service");

        assertThat(env(sync)).containsEntry("POLITY_BUNDLES_SIGNING_PRIVATE_KEY", "secret polity-bundle-signing/private-key")
                .containsEntry("POLITY_BUNDLES_SIGNING_PUBLIC_KEY", "secret polity-bundle-signing/public-key")
                .containsEntry("QUARKUS_DATASOURCE_USERNAME", "secret polity-sync-db/username")
                .containsEntry("QUARKUS_DATASOURCE_PASSWORD", "secret polity-sync-db/password")
                .containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret polity-sync-service/sasl.jaas.config");
        assertThat(env(audit)).containsEntry("POLITY_AUDIT_CHECKPOINT_SIGNING_PRIVATE_KEY",
                "secret polity-audit-checkpoint-signing/private-key");
        assertThat(objects).noneMatch(o -> o.getKind().equals("Secret"));
    }

    /** Without JVM options a JVM in a container takes a quarter of the memory limit as heap. */
    @Test
    void givesEveryServiceItsJvmOptions() {
        List<HasMetadata> objects = DEFAULTS.objects();
        for (String service : List.of("sync-service", "registry-service", "gateway")) {
            assertThat(env(deployment(objects, service))).as(service)
                    .containsEntry("JAVA_TOOL_OPTIONS", "-XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError");
        }
        // The audit service ingests in batches: the throughput collector.
        assertThat(env(deployment(objects, "audit-service")))
                .containsEntry("JAVA_TOOL_OPTIONS", "-XX:+UseParallelGC -XX:MaxRAMPercentage=60 -XX:+ExitOnOutOfMemoryError");
    }

    @Test
    void pointsEveryServiceAtItsOwnDatabaseOverVerifiedTls() {
        List<HasMetadata> objects = DEFAULTS.objects();
        for (String service : List.of("sync", "registry", "audit")) {
            Map<String, String> config = config(objects, service + "-service");
            assertThat(config).containsEntry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://polity-postgres-rw:5432/" + service)
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_POSTGRESQL_SSL_MODE", "verify-full")
                    .containsEntry("QUARKUS_DATASOURCE_REACTIVE_HOSTNAME_VERIFICATION_ALGORITHM", "HTTPS")
                    .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                    .containsEntry("KAFKA_SSL_TRUSTSTORE_LOCATION", "/etc/polity/kafka-ca/ca.crt");
            assertThat(config.get("QUARKUS_DATASOURCE_JDBC_URL"))
                    .startsWith("jdbc:postgresql://polity-postgres-rw:5432/" + service + "?sslmode=verify-full&sslrootcert=");
        }
        assertThat(config(objects, "gateway")).containsEntry("QUARKUS_OIDC_AUTH_SERVER_URL", "https://keycloak.example.com/realms/polity")
                .containsEntry("POLITY_GATEWAY_SYNC_URL", "http://polity-central-sync-service");
    }

    @Test
    void withoutTlsMountsNoCertificatesAndReadsNoKafkaCredentials() {
        List<HasMetadata> objects = Render.of(Charts.CENTRAL, "polity-lab", Charts.testValues("central-plaintext.yaml")).objects();
        Deployment registry = deployment(objects, "registry-service");
        Deployment gateway = deployment(objects, "gateway");

        assertThat(env(registry)).doesNotContainKey("KAFKA_SASL_JAAS_CONFIG");
        assertThat(registry.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName()).containsExactly("tmp");
        assertThat(config(objects, "registry-service")).containsEntry("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://polity-postgres-rw:5432/registry?sslmode=disable");
        assertThat(env(gateway)).doesNotContainKey("KAFKA_SASL_JAAS_CONFIG");
        assertThat(gateway.getSpec().getTemplate().getSpec().getVolumes()).extracting(v -> v.getName()).containsExactly("tmp");
        assertThat(config(objects, "gateway")).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "polity-kafka-bootstrap:9092")
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")
                .doesNotContainKeys("KAFKA_SASL_MECHANISM", "KAFKA_SSL_TRUSTSTORE_LOCATION");
    }

    /** Break-glass grants live on a Kafka topic and their audit events go to polity.audit.events: the gateway is a Kafka client like the services. */
    @Test
    void givesTheGatewayTheSameKafkaWiringAsTheServicesWithItsOwnCredentials() {
        List<HasMetadata> objects = DEFAULTS.objects();
        Deployment gateway = deployment(objects, "gateway");
        Map<String, String> gatewayConfig = config(objects, "gateway");
        Map<String, String> syncConfig = config(objects, "sync-service");

        for (String key : List.of("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_SECURITY_PROTOCOL", "KAFKA_SASL_MECHANISM",
                "KAFKA_SSL_TRUSTSTORE_TYPE", "KAFKA_SSL_TRUSTSTORE_LOCATION")) {
            assertThat(gatewayConfig).as(key).containsEntry(key, syncConfig.get(key));
        }
        assertThat(gatewayConfig).containsEntry("KAFKA_BOOTSTRAP_SERVERS", "polity-kafka-bootstrap:9093")
                .containsEntry("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
                .containsEntry("KAFKA_SASL_MECHANISM", "SCRAM-SHA-512");
        assertThat(env(gateway)).containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret polity-gateway/sasl.jaas.config");

        var pod = gateway.getSpec().getTemplate().getSpec();
        assertThat(pod.getVolumes()).anySatisfy(v -> {
            assertThat(v.getName()).isEqualTo("kafka-ca");
            assertThat(v.getSecret().getSecretName()).isEqualTo("polity-cluster-ca-cert");
        });
        assertThat(pod.getContainers().get(0).getVolumeMounts())
                .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/etc/polity/kafka-ca"));

        NetworkPolicy policy = of(objects, NetworkPolicy.class).stream()
                .filter(p -> "gateway".equals(p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))
                .findFirst().orElseThrow();
        assertThat(policy.getSpec().getEgress()).anySatisfy(rule -> {
            assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(9093);
            assertThat(rule.getTo()).singleElement().satisfies(peer -> assertThat(peer.getPodSelector().getMatchLabels())
                    .containsEntry("strimzi.io/cluster", "polity").containsEntry("strimzi.io/kind", "Kafka"));
        });
    }

    @Test
    void readsTheGatewaysKafkaCredentialsFromTheSecretItNamesNextToItsExtraEnv() {
        Deployment production = deployment(Render.of(Charts.CENTRAL, "polity-central",
                Charts.CENTRAL.resolve("values-production.yaml")).objects(), "gateway");
        Deployment renamed = deployment(Render.of(Charts.CENTRAL, "polity-central",
                Charts.testValues("central-gateway-kafka.yaml")).objects(), "gateway");

        assertThat(env(production)).containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret polity-gateway/sasl.jaas.config");
        assertThat(env(renamed)).containsEntry("KAFKA_SASL_JAAS_CONFIG", "secret polity-gateway-eu-west/jaas")
                .containsEntry("POLITY_GATEWAY_BREAK_GLASS_MAX_DURATION", "PT1H");
    }

    @Test
    void onlyTheGatewayIsReachableFromOutsideAndOnlyTheGatewayReachesTheServices() {
        List<HasMetadata> objects = DEFAULTS.objects();
        List<NetworkPolicy> policies = of(objects, NetworkPolicy.class);
        Map<String, String> gatewaySelector = Map.of("app.kubernetes.io/name", "gateway", "app.kubernetes.io/instance", "polity-central");

        for (String service : List.of("sync-service", "registry-service", "audit-service")) {
            NetworkPolicy policy = policies.stream()
                    .filter(p -> service.equals(p.getSpec().getPodSelector().getMatchLabels().get("app.kubernetes.io/name")))
                    .findFirst().orElseThrow();
            assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule ->
                    assertThat(rule.getFrom()).singleElement().satisfies(peer -> {
                        assertThat(peer.getNamespaceSelector()).isNull();
                        assertThat(peer.getPodSelector().getMatchLabels()).isEqualTo(gatewaySelector);
                    }));
            // DNS, Kafka, PostgreSQL: nothing else.
            assertThat(policy.getSpec().getEgress()).hasSize(3);
            assertThat(policy.getSpec().getEgress()).flatExtracting(r -> r.getPorts()).extracting(p -> p.getPort().getIntVal())
                    .containsExactlyInAnyOrder(53, 53, 9093, 5432);
        }
        NetworkPolicy gateway = policies.stream().filter(p -> p.getSpec().getPodSelector().getMatchLabels().equals(gatewaySelector))
                .findFirst().orElseThrow();
        assertThat(gateway.getSpec().getIngress()).singleElement()
                .satisfies(rule -> assertThat(rule.getPorts()).extracting(p -> p.getPort().getIntVal()).containsExactly(8080));
    }

    @Test
    void theProductionExampleRoutesDecisionsToAnOrganizationsNodeAndScrapesMetrics() {
        Render production = Render.of(Charts.CENTRAL, "polity-central", Charts.CENTRAL.resolve("values-production.yaml"));
        List<HasMetadata> objects = production.objects();

        String routes = of(objects, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals("polity-central-gateway-routes"))
                .findFirst().orElseThrow().getData().get("routes.properties");
        assertThat(routes).contains("polity.gateway.policy-nodes.globalcorp-eu=https://polity-eu.globalcorp.example");
        assertThat(objects).extracting(HasMetadata::getKind).contains("ServiceMonitor", "Ingress", "HorizontalPodAutoscaler", "KafkaTopic");
        assertThat(deployment(objects, "sync-service").getSpec().getTemplate().getSpec().getContainers().get(0).getImage())
                .isEqualTo("registry.example.com/polity/sync-service:0.1.0");
    }

    private static Deployment deployment(List<HasMetadata> objects, String name) {
        return of(objects, Deployment.class).stream()
                .filter(d -> name.equals(d.getMetadata().getLabels().get("app.kubernetes.io/name"))).findFirst().orElseThrow();
    }

    private static Map<String, String> config(List<HasMetadata> objects, String name) {
        String configMap = deployment(objects, name).getSpec().getTemplate().getSpec().getContainers().get(0)
                .getEnvFrom().get(0).getConfigMapRef().getName();
        return of(objects, ConfigMap.class).stream().filter(c -> c.getMetadata().getName().equals(configMap))
                .findFirst().orElseThrow().getData();
    }

    /** Environment variables as "value" or "secret name/key". */
    private static Map<String, String> env(Deployment deployment) {
        var result = new java.util.LinkedHashMap<String, String>();
        List<EnvVar> env = deployment.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
        for (EnvVar e : env == null ? List.<EnvVar>of() : env) {
            if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                result.put(e.getName(), "secret " + e.getValueFrom().getSecretKeyRef().getName() + "/" + e.getValueFrom().getSecretKeyRef().getKey());
            } else {
                result.put(e.getName(), e.getValue());
            }
        }
        return result;
    }
}
