package dev.polity.charts;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Runs Helm in-process (helm-java) on the charts next to this module's pom, and parses what it
 * renders with the fabric8 Kubernetes model. Renders are cached: every chart and values file is
 * templated once per test run.
 */
final class Charts {

    static final Path DIRECTORY = Path.of(System.getProperty("charts.directory", ".")).toAbsolutePath().normalize();
    static final Path CENTRAL = DIRECTORY.resolve("polity-central");
    static final Path NODE = DIRECTORY.resolve("polity-node");

    static final String NAMESPACE = "polity";
    /** helm-java defaults to Kubernetes 1.20 without a cluster; the charts need 1.27 or later. */
    static final String KUBE_VERSION = "v1.31.0";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    private static final Map<String, String> RENDERED = new ConcurrentHashMap<>();

    private Charts() {
    }

    /** The example values files shipped with a chart: values-*.yaml. */
    static List<Path> exampleValuesFiles(Path chart) {
        try (Stream<Path> files = Files.list(chart)) {
            return files.filter(f -> f.getFileName().toString().matches("values-.+\\.yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * {@code helm lint --strict chart -f valuesFile}. helm-java's lint takes no values file, so the
     * chart is copied and the values file deep-merged into its values.yaml the way Helm merges
     * {@code -f} (maps merge key by key, anything else replaces, null deletes).
     */
    static LintResult lint(Path chart, Path valuesFile) {
        Path copy = copyChart(chart);
        if (valuesFile != null) {
            ObjectNode merged = merge((ObjectNode) readYaml(chart.resolve("values.yaml")), (ObjectNode) readYaml(valuesFile));
            try {
                YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return new Helm(copy).lint().strict().call();
    }

    /** {@code helm template <release> chart -n polity -f valuesFile...}: the rendered manifest. */
    static String template(Path chart, String release, Path... valuesFiles) {
        StringBuilder key = new StringBuilder(chart + "|" + release);
        for (Path f : valuesFiles) {
            key.append('|').append(f);
        }
        return RENDERED.computeIfAbsent(key.toString(), k -> {
            var command = new Helm(chart).template().withName(release).withNamespace(NAMESPACE)
                    .withKubeVersion(KUBE_VERSION);
            for (Path f : valuesFiles) {
                command = command.withValuesFile(f);
            }
            return command.call();
        });
    }

    /** Every object of a rendered manifest, parsed with the fabric8 model (unknown kinds as generic resources). */
    static List<HasMetadata> parse(String manifest) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : manifest.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            Object parsed = KUBERNETES.unmarshal(document);
            if (!(parsed instanceof HasMetadata object)) {
                throw new AssertionError("not a Kubernetes object: " + document);
            }
            objects.add(object);
        }
        return objects;
    }

    static List<HasMetadata> render(Path chart, String release, Path... valuesFiles) {
        return parse(template(chart, release, valuesFiles));
    }

    static Path testValues(String name) {
        return DIRECTORY.resolve("src/test/resources/values").resolve(name);
    }

    static com.fasterxml.jackson.databind.JsonNode readYaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode merge(ObjectNode base, ObjectNode override) {
        for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it = override.fields(); it.hasNext(); ) {
            var entry = it.next();
            var current = base.get(entry.getKey());
            if (entry.getValue().isNull()) {
                base.remove(entry.getKey());
            } else if (current instanceof ObjectNode currentObject && entry.getValue() instanceof ObjectNode overrideObject) {
                merge(currentObject, overrideObject);
            } else {
                base.set(entry.getKey(), entry.getValue());
            }
        }
        return base;
    }

    private static Path copyChart(Path chart) {
        try {
            Path scratch = Files.createDirectories(DIRECTORY.resolve("target/lint"));
            Path target = Files.createTempDirectory(scratch, "chart-").resolve(chart.getFileName());
            try (Stream<Path> files = Files.walk(chart)) {
                for (Path source : files.toList()) {
                    Path destination = target.resolve(chart.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(destination);
                    } else {
                        Files.copy(source, destination, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
