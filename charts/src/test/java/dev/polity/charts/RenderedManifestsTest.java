package dev.polity.charts;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Helm renders, checked as Kubernetes objects: it parses with the fabric8 model without unknown
 * fields, and every workload has probes, resources, the restricted security context and the
 * recommended labels, a Service, a PodDisruptionBudget and a NetworkPolicy.
 */
class RenderedManifestsTest {

    static java.util.stream.Stream<Render> renders() {
        return Render.all();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyObjectParsesAsAKubernetesObjectWithoutUnknownFields(Render render) {
        List<HasMetadata> objects = render.objects();

        assertThat(objects).isNotEmpty();
        for (HasMetadata object : objects) {
            assertThat(object.getApiVersion()).as("apiVersion of %s", object.getMetadata().getName()).isNotBlank();
            assertThat(object.getMetadata().getName()).as("name of a %s", object.getKind())
                    .matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?").hasSizeLessThanOrEqualTo(63);
            if (!(object instanceof GenericKubernetesResource)) {
                assertThat(unknownFields(object, object.getKind() + "/" + object.getMetadata().getName()))
                        .as("fields the Kubernetes API does not know").isEmpty();
            }
        }
        assertThat(objects).filteredOn(o -> o instanceof GenericKubernetesResource)
                .extracting(HasMetadata::getKind).allMatch(k -> k.equals("ServiceMonitor") || k.equals("KafkaTopic"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyObjectCarriesTheRecommendedLabels(Render render) {
        for (HasMetadata object : render.objects()) {
            Map<String, String> labels = object.getMetadata().getLabels();
            assertThat(labels).as("labels of %s %s", object.getKind(), object.getMetadata().getName())
                    .containsEntry("app.kubernetes.io/instance", render.release())
                    .containsEntry("app.kubernetes.io/part-of", "polity")
                    .containsEntry("app.kubernetes.io/managed-by", "Helm")
                    .containsKey("app.kubernetes.io/version")
                    .containsKey("helm.sh/chart");
            assertThat(object.getMetadata().getNamespace()).isNotBlank();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyWorkloadHasProbesResourcesTheRestrictedSecurityContextAndLabels(Render render) {
        List<HasMetadata> objects = render.objects();
        List<HasMetadata> workloads = workloads(objects);
        assertThat(workloads).hasSizeGreaterThanOrEqualTo(2);

        for (HasMetadata workload : workloads) {
            String what = workload.getKind() + " " + workload.getMetadata().getName();
            PodTemplateSpec template = podTemplate(workload);
            PodSpec pod = template.getSpec();

            for (Map<String, String> labels : List.of(workload.getMetadata().getLabels(), template.getMetadata().getLabels())) {
                assertThat(labels).as("recommended labels of %s", what)
                        .containsKeys("app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
                                "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by")
                        .containsEntry("app.kubernetes.io/part-of", "polity");
            }
            assertThat(template.getMetadata().getLabels()).containsAllEntriesOf(selector(workload).getMatchLabels());

            assertThat(pod.getAutomountServiceAccountToken()).as("%s mounts no API token", what).isFalse();
            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as("%s runAsNonRoot", what).isTrue();
            assertThat(pod.getSecurityContext().getRunAsUser()).as("%s runAsUser", what).isPositive();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");

            assertThat(pod.getContainers()).hasSize(1);
            Container container = pod.getContainers().get(0);
            assertProbe(what + " startup", container.getStartupProbe(), "/q/health/started");
            assertProbe(what + " liveness", container.getLivenessProbe(), "/q/health/live");
            assertProbe(what + " readiness", container.getReadinessProbe(), "/q/health/ready");

            assertThat(container.getResources().getRequests()).as("%s requests", what).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).as("%s limits", what).containsKey("memory");

            var security = container.getSecurityContext();
            assertThat(security.getRunAsNonRoot()).as("%s container runAsNonRoot", what).isTrue();
            assertThat(security.getReadOnlyRootFilesystem()).as("%s readOnlyRootFilesystem", what).isTrue();
            assertThat(security.getAllowPrivilegeEscalation()).as("%s allowPrivilegeEscalation", what).isFalse();
            assertThat(security.getPrivileged()).as("%s privileged", what).isFalse();
            assertThat(security.getCapabilities().getDrop()).as("%s drops", what).containsExactly("ALL");
            assertThat(security.getCapabilities().getAdd()).as("%s adds no capability", what).isNullOrEmpty();

            assertThat(container.getVolumeMounts()).as("%s has a writable /tmp", what)
                    .anySatisfy(m -> assertThat(m.getMountPath()).isEqualTo("/tmp"));
            String tmpVolume = container.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/tmp"))
                    .findFirst().orElseThrow().getName();
            assertThat(pod.getVolumes()).anySatisfy(v -> {
                assertThat(v.getName()).isEqualTo(tmpVolume);
                assertThat(v.getEmptyDir()).isNotNull();
            });
            assertThat(container.getImage()).as("%s image", what).matches("[^\\s:@]+(:[\\w.-]+|@sha256:[a-f0-9]{64})");
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everyWorkloadHasAServiceADisruptionBudgetAndANetworkPolicy(Render render) {
        List<HasMetadata> objects = render.objects();
        for (HasMetadata workload : workloads(objects)) {
            Map<String, String> podLabels = podTemplate(workload).getMetadata().getLabels();
            String what = workload.getKind() + " " + workload.getMetadata().getName();

            assertThat(of(objects, Service.class)).as("Service for %s", what)
                    .anySatisfy(s -> assertThat(podLabels).containsAllEntriesOf(s.getSpec().getSelector()));
            assertThat(of(objects, PodDisruptionBudget.class)).as("PodDisruptionBudget for %s", what)
                    .anySatisfy(p -> assertThat(podLabels).containsAllEntriesOf(p.getSpec().getSelector().getMatchLabels()));
            assertThat(of(objects, NetworkPolicy.class)).as("own NetworkPolicy for %s", what)
                    .anySatisfy(n -> assertThat(n.getSpec().getPodSelector().getMatchLabels())
                            .isEqualTo(selector(workload).getMatchLabels()));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("renders")
    void everythingAPodRefersToIsRenderedOrIsANamedSecret(Render render) {
        List<HasMetadata> objects = render.objects();
        List<String> configMaps = of(objects, ConfigMap.class).stream().map(c -> c.getMetadata().getName()).toList();
        List<String> serviceAccounts = objects.stream().filter(o -> o.getKind().equals("ServiceAccount"))
                .map(o -> o.getMetadata().getName()).toList();
        for (HasMetadata workload : workloads(objects)) {
            PodSpec pod = podTemplate(workload).getSpec();
            assertThat(serviceAccounts).contains(pod.getServiceAccountName());
            pod.getContainers().get(0).getEnvFrom().forEach(e -> assertThat(configMaps).contains(e.getConfigMapRef().getName()));
            pod.getVolumes().stream().filter(v -> v.getConfigMap() != null)
                    .forEach(v -> assertThat(configMaps).contains(v.getConfigMap().getName()));
            var mounted = pod.getContainers().get(0).getVolumeMounts().stream().map(m -> m.getName()).toList();
            List<String> declared = new ArrayList<>(pod.getVolumes().stream().map(v -> v.getName()).toList());
            if (workload instanceof StatefulSet set && set.getSpec().getVolumeClaimTemplates() != null) {
                set.getSpec().getVolumeClaimTemplates().forEach(t -> declared.add(t.getMetadata().getName()));
            }
            assertThat(declared).containsAll(mounted);
        }
        for (HorizontalPodAutoscaler hpa : of(objects, HorizontalPodAutoscaler.class)) {
            var target = hpa.getSpec().getScaleTargetRef();
            assertThat(workloads(objects)).anySatisfy(w -> {
                assertThat(w.getKind()).isEqualTo(target.getKind());
                assertThat(w.getMetadata().getName()).isEqualTo(target.getName());
            });
            assertThat(workloads(objects)).filteredOn(w -> w.getMetadata().getName().equals(target.getName()))
                    .allSatisfy(w -> assertThat(replicas(w)).as("an autoscaled workload leaves replicas to the HPA").isNull());
        }
    }

    static List<HasMetadata> workloads(List<HasMetadata> objects) {
        return objects.stream().filter(o -> o instanceof Deployment || o instanceof StatefulSet).toList();
    }

    static PodTemplateSpec podTemplate(HasMetadata workload) {
        return workload instanceof Deployment d ? d.getSpec().getTemplate() : ((StatefulSet) workload).getSpec().getTemplate();
    }

    static LabelSelector selector(HasMetadata workload) {
        return workload instanceof Deployment d ? d.getSpec().getSelector() : ((StatefulSet) workload).getSpec().getSelector();
    }

    static Integer replicas(HasMetadata workload) {
        return workload instanceof Deployment d ? d.getSpec().getReplicas() : ((StatefulSet) workload).getSpec().getReplicas();
    }

    static <T> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static void assertProbe(String what, Probe probe, String path) {
        assertThat(probe).as(what).isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what).isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(what).isEqualTo("http");
        assertThat(probe.getPeriodSeconds()).as(what).isPositive();
        assertThat(probe.getFailureThreshold()).as(what).isPositive();
    }

    /**
     * Paths of fields the fabric8 model did not recognise (kept in additionalProperties): a typo such as
     * readOnlyRootFileSystem would be silently dropped by the API server.
     */
    static List<String> unknownFields(Object node, String path) {
        List<String> unknown = new ArrayList<>();
        collectUnknown(node, path, unknown);
        return unknown;
    }

    private static void collectUnknown(Object node, String path, List<String> unknown) {
        if (node == null) {
            return;
        }
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                collectUnknown(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> collectUnknown(v, path + "." + k, unknown));
            return;
        }
        if (!node.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : node.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            try {
                Object value = getter.invoke(node);
                if (getter.getName().equals("getAdditionalProperties")) {
                    if (value instanceof Map<?, ?> extra && !extra.isEmpty()) {
                        extra.keySet().forEach(k -> unknown.add(path + "." + k));
                    }
                } else {
                    collectUnknown(value, path + "." + decapitalize(getter.getName().substring(3)), unknown);
                }
            } catch (ReflectiveOperationException e) {
                throw new AssertionError(e);
            }
        }
    }

    private static String decapitalize(String s) {
        return s.isEmpty() ? s : Character.toLowerCase(s.charAt(0)) + s.substring(1);
    }
}
