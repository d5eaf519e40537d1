package dev.polity.contracts.policy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The library's index and files agree; CEL compilation and behaviour are tested in policy-service. */
class StandardLibraryTest {

    private static final Path SOURCES = Path.of("src/main/resources", StandardLibrary.ROOT);

    @Test
    void indexesEveryPolicyFileExactlyOnce() throws IOException {
        List<String> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.getParent() != null && !p.getParent().equals(SOURCES))
                    .filter(p -> p.toString().endsWith(".yaml"))
                    .map(p -> SOURCES.relativize(p).toString().replace('\\', '/'))
                    .toList();
        }
        assertThat(StandardLibrary.entries()).extracting(StandardLibrary.Entry::file).containsExactlyInAnyOrderElementsOf(files);
        assertThat(StandardLibrary.entries()).extracting(StandardLibrary.Entry::id).doesNotHaveDuplicates();
    }

    @Test
    void loadsEveryPolicyWithTheIdTheIndexGivesIt() {
        for (StandardLibrary.Entry entry : StandardLibrary.entries()) {
            PolicyDocument policy = StandardLibrary.load(entry.id());
            assertThat(policy.id()).isEqualTo(entry.id());
            assertThat(policy.scope()).isEqualTo(PolicyScope.global());
            assertThat(entry.description()).isNotBlank();
            assertThat(entry.file()).isEqualTo(entry.family() + "/" + entry.id() + ".yaml");
        }
    }

    @Test
    void subscribesAStandardTierOrganisationToTheStandardVariantsOnly() {
        List<String> ids = StandardLibrary.subscription("standard", List.of()).stream().map(PolicyDocument::id).toList();
        assertThat(ids).contains("bias-standard", "pii-anonymization-standard", "data-residency")
                .noneMatch(id -> id.endsWith("-strict") || id.endsWith("-flexible") || id.startsWith("compliance-"));
    }

    @Test
    void shipsAnExampleRequest() {
        Map<String, Object> request = StandardLibrary.exampleRequest();
        assertThat(request).containsKeys("model_id", "organization_id", "model_metadata", "deployment_context");
    }
}
