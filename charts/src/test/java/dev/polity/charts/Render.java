package dev.polity.charts;

import io.fabric8.kubernetes.api.model.HasMetadata;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** One {@code helm template} run: a chart, a release name and values files, for parameterized tests. */
record Render(Path chart, String release, List<Path> valuesFiles) {

    static Render of(Path chart, String release, Path... valuesFiles) {
        return new Render(chart, release, List.of(valuesFiles));
    }

    /** Every combination the build checks: defaults, every example file, and the optional features. */
    static Stream<Render> all() {
        return Stream.of(
                of(Charts.CENTRAL, "polity-central"),
                of(Charts.CENTRAL, "polity-central", Charts.CENTRAL.resolve("values-production.yaml")),
                of(Charts.CENTRAL, "polity-lab", Charts.testValues("central-plaintext.yaml")),
                of(Charts.NODE, "globalcorp-eu", Charts.NODE.resolve("values-eu.yaml")),
                of(Charts.NODE, "nimbus-ai-us", Charts.NODE.resolve("values-us.yaml")),
                of(Charts.NODE, "globalcorp-hq-apac", Charts.NODE.resolve("values-apac.yaml")),
                of(Charts.NODE, "nimbus-ai-us", Charts.NODE.resolve("values-us.yaml"), Charts.testValues("node-all-features.yaml")));
    }

    String manifest() {
        return Charts.template(chart, release, valuesFiles.toArray(Path[]::new));
    }

    List<HasMetadata> objects() {
        return Charts.parse(manifest());
    }

    @Override
    public String toString() {
        return chart.getFileName() + " " + release + valuesFiles.stream().map(p -> p.getFileName().toString())
                .collect(Collectors.joining(" -f ", valuesFiles.isEmpty() ? "" : " -f ", ""));
    }
}
