package dev.polity.contracts.policy;

import java.util.List;
import java.util.Map;

/**
 * A governance policy as authored (YAML or JSON); see DESIGN.md, "Policies".
 *
 * @param id          stable identifier, lower-case letters, digits and dashes
 * @param version     authoring version; every change creates a new one
 * @param match       optional CEL guard; the policy applies only when it is true
 * @param params      values the rules read as {@code params.<name>}
 * @param conditions  what the team must do when a conditional policy fails
 * @param constraints machine-readable limits a pipeline applies when a conditional policy fails
 */
public record PolicyDocument(
        String id,
        String name,
        String description,
        Integer version,
        PolicyScope scope,
        PolicyType type,
        Enforcement enforcement,
        String match,
        Map<String, Object> params,
        List<PolicyRule> rules,
        List<String> conditions,
        Map<String, Object> constraints) {

    public PolicyDocument {
        params = params == null ? Map.of() : params;
        rules = rules == null ? List.of() : List.copyOf(rules);
        conditions = conditions == null ? List.of() : List.copyOf(conditions);
        constraints = constraints == null ? Map.of() : constraints;
    }

    /** The name to show people: the explicit name, else the id. */
    public String displayName() {
        return name == null || name.isBlank() ? id : name;
    }
}
