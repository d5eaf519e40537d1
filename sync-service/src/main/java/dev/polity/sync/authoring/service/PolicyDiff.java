package dev.polity.sync.authoring.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Field-by-field comparison of two policy documents (the {@code version} field is ignored). */
public final class PolicyDiff {

    private PolicyDiff() {
    }

    /** One difference, at a JSON-pointer-like path such as {@code /params/max_demographic_parity}. */
    @Schema(name = "PolicyChangeEntry")
    public record Change(
            @Schema(description = "Path in the document, e.g. /params/max_demographic_parity or /rules/1/expression") String path,
            @Schema(enumeration = {"added", "removed", "changed"}) String kind,
            @Schema(nullable = true) JsonNode before,
            @Schema(nullable = true) JsonNode after) {
    }

    /** @param before null for a new policy (everything is added) */
    public static List<Change> between(JsonNode before, JsonNode after) {
        List<Change> changes = new ArrayList<>();
        compare("", strip(before), strip(after), changes);
        return changes;
    }

    private static JsonNode strip(JsonNode document) {
        if (document instanceof ObjectNode object) {
            ObjectNode copy = object.deepCopy();
            copy.remove("version");
            return copy;
        }
        return document;
    }

    private static void compare(String path, JsonNode before, JsonNode after, List<Change> changes) {
        boolean hadBefore = before != null && !before.isNull() && !before.isMissingNode();
        boolean hasAfter = after != null && !after.isNull() && !after.isMissingNode();
        if (!hadBefore && !hasAfter) {
            return;
        }
        if (!hadBefore) {
            changes.add(new Change(path.isEmpty() ? "/" : path, "added", null, after));
            return;
        }
        if (!hasAfter) {
            changes.add(new Change(path.isEmpty() ? "/" : path, "removed", before, null));
            return;
        }
        if (before.isObject() && after.isObject()) {
            TreeSet<String> names = new TreeSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                compare(path + "/" + name, before.get(name), after.get(name), changes);
            }
            return;
        }
        if (before.isArray() && after.isArray()) {
            int size = Math.max(before.size(), after.size());
            for (int i = 0; i < size; i++) {
                compare(path + "/" + i, before.get(i), after.get(i), changes);
            }
            return;
        }
        if (!equal(before, after)) {
            changes.add(new Change(path, "changed", before, after));
        }
    }

    private static boolean equal(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }
}
