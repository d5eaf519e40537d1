package dev.polity.federation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a federation file the local launcher needs: the organisations (in the
 * federated-governance YAML format the central authority imports) and, a launcher-only key,
 * {@code policy_files}: policy documents to author at start, relative to the federation file.
 */
public record FederationFile(String id, String name, List<Organization> organizations, List<Path> policyFiles) {

    public record Organization(String id, String name, String tier, String region, String parentOrganization) {
    }

    public static FederationFile read(Path file) {
        JsonNode root;
        try {
            root = Json.yamlMapper().readTree(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read federation file " + file, e);
        }
        List<Organization> organizations = new ArrayList<>();
        for (JsonNode org : root.path("organizations")) {
            organizations.add(new Organization(
                    required(org, "id", file), required(org, "name", file), required(org, "tier", file),
                    required(org, "region", file), org.hasNonNull("parent_org") ? org.get("parent_org").asText() : null));
        }
        if (organizations.isEmpty()) {
            throw new IllegalArgumentException(file + ": 'organizations' lists no organization");
        }
        List<Path> policies = new ArrayList<>();
        for (JsonNode policy : root.path("policy_files")) {
            Path resolved = file.toAbsolutePath().getParent().resolve(policy.asText()).normalize();
            if (!Files.isRegularFile(resolved)) {
                throw new IllegalArgumentException(file + ": policy file " + policy.asText() + " does not exist");
            }
            policies.add(resolved);
        }
        JsonNode federation = root.path("federation");
        return new FederationFile(federation.path("id").asText("local"), federation.path("name").asText("Local federation"),
                List.copyOf(organizations), List.copyOf(policies));
    }

    private static String required(JsonNode node, String field, Path file) {
        JsonNode value = node.get(field);
        if (value == null || value.asText().isBlank()) {
            throw new IllegalArgumentException(file + ": an organization has no '" + field + "'");
        }
        return value.asText();
    }
}
