package dev.polity.charts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code helm lint --strict} on both charts with every example values file they ship. */
class ChartLintTest {

    static Stream<Arguments> chartsWithExampleValues() {
        Stream<Arguments> central = Stream.concat(
                Stream.of(Arguments.of(Charts.CENTRAL, null)),
                Charts.exampleValuesFiles(Charts.CENTRAL).stream().map(f -> Arguments.of(Charts.CENTRAL, f)));
        Stream<Arguments> node = Charts.exampleValuesFiles(Charts.NODE).stream().map(f -> Arguments.of(Charts.NODE, f));
        return Stream.concat(central, node);
    }

    @ParameterizedTest(name = "{0} with {1}")
    @MethodSource("chartsWithExampleValues")
    void lintsStrictlyWithoutErrorsOrWarnings(Path chart, Path valuesFile) {
        var result = Charts.lint(chart, valuesFile);

        assertThat(result.isFailed()).as("lint failed: %s", result.getMessages()).isFalse();
        assertThat(result.getMessages()).noneMatch(m -> m.contains("[ERROR]") || m.contains("[WARNING]"));
    }

    @Test
    void lintFailsWhenValuesBreakTheSchema() {
        var result = Charts.lint(Charts.CENTRAL, Charts.testValues("central-negative-replicas.yaml"));

        assertThat(result.isFailed()).isTrue();
        assertThat(String.join("\n", result.getMessages())).contains("/syncService/replicaCount");
    }

    @Test
    void lintFailsForANodeWithoutItsRequiredValues() {
        assertThat(Charts.lint(Charts.NODE, null).isFailed()).isTrue();
    }

    @Test
    void shipsExampleValuesForTheThreeRegions() {
        assertThat(Charts.exampleValuesFiles(Charts.NODE)).extracting(p -> p.getFileName().toString())
                .contains("values-eu.yaml", "values-us.yaml", "values-apac.yaml");
    }

    @Test
    void bothChartsShareTheSameCommonTemplates() throws IOException {
        String central = Files.readString(Charts.CENTRAL.resolve("templates/_common.tpl"));
        String node = Files.readString(Charts.NODE.resolve("templates/_common.tpl"));

        assertThat(node).as("charts/polity-node/templates/_common.tpl must be a copy of polity-central's").isEqualTo(central);
    }

    @Test
    void bothChartsHaveNotesSchemaAndAReadme() {
        for (Path chart : new Path[] {Charts.CENTRAL, Charts.NODE}) {
            assertThat(chart.resolve("templates/NOTES.txt")).isRegularFile();
            assertThat(chart.resolve("values.schema.json")).isRegularFile();
        }
        assertThat(Charts.DIRECTORY.resolve("README.md")).isRegularFile();
    }
}
