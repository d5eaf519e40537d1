package dev.polity.gateway.security;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Which organisation a central-authority record (policy, policy change, override) belongs to, and
 * cutting answers down to what one organisation may see: global and regional records, and its own.
 */
public final class TenantScope {

    private TenantScope() {
    }

    /** The owning organisation of a record, or null for global and regional ones. */
    public static String ownerOf(JsonNode record) {
        if (record == null || !record.isObject()) {
            return null;
        }
        for (String field : new String[] {"organization_id", "organizationId"}) {
            JsonNode value = record.get(field);
            if (value != null && value.isTextual() && !value.asText().isBlank()) {
                return value.asText();
            }
        }
        JsonNode document = record.has("document") ? record.get("document") : record;
        JsonNode organization = document.path("scope").path("organization");
        return organization.isTextual() && !organization.asText().isBlank() ? organization.asText() : null;
    }

    public static boolean visibleTo(JsonNode record, String organization) {
        String owner = ownerOf(record);
        return owner == null || owner.equals(organization);
    }

    /**
     * Removes other organisations' records from a list ({@code [...]} or {@code {"items": [...]}}).
     *
     * @return the filtered body, or null when the body is a single record the organisation may not see
     */
    public static JsonNode filter(JsonNode body, String organization) {
        if (body instanceof ArrayNode array) {
            ArrayNode kept = array.arrayNode();
            array.forEach(element -> {
                if (visibleTo(element, organization)) {
                    kept.add(element);
                }
            });
            return kept;
        }
        if (body instanceof ObjectNode object && object.get("items") instanceof ArrayNode items) {
            ObjectNode copy = object.deepCopy();
            copy.set("items", filter(items, organization));
            return copy;
        }
        return visibleTo(body, organization) ? body : null;
    }
}
