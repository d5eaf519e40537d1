package dev.polity.registry.lifecycle.service;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the registry reads from a policy node's decision; {@link #raw} keeps the whole answer.
 *
 * @param reasons for a denied decision, each failed rule of a denying policy: {@code policy_id},
 *                {@code rule}, {@code message}, {@code remedy}
 */
public record PolicyDecision(String decisionId, String outcome, Long bundleRevision, List<String> conditions,
                             Map<String, Object> constraints, List<Map<String, Object>> reasons, Map<String, Object> raw) {

    public static final String APPROVED = "approved";
    public static final String CONDITIONAL = "conditional";
    public static final String DENIED = "denied";

    public boolean denied() {
        return DENIED.equals(outcome);
    }

    @SuppressWarnings("unchecked")
    static PolicyDecision of(Map<String, Object> raw) {
        String outcome = (String) raw.get("decision");
        if (outcome == null || raw.get("decision_id") == null) {
            throw new IllegalArgumentException("not a decision");
        }
        Object revision = raw.get("bundle_revision");
        List<String> conditions = new ArrayList<>();
        if (raw.get("conditions") instanceof List<?> list) {
            list.forEach(condition -> conditions.add(String.valueOf(condition)));
        }
        Map<String, Object> constraints = raw.get("constraints") instanceof Map<?, ?> map
                ? new LinkedHashMap<>((Map<String, Object>) map) : Map.of();
        List<Map<String, Object>> reasons = new ArrayList<>();
        if (DENIED.equals(outcome) && raw.get("policy_evaluations") instanceof List<?> evaluations) {
            for (Object item : evaluations) {
                if (!(item instanceof Map<?, ?> evaluation) || !DENIED.equals(evaluation.get("decision"))) {
                    continue;
                }
                boolean anyRule = false;
                if (evaluation.get("rules") instanceof List<?> rules) {
                    for (Object r : rules) {
                        if (r instanceof Map<?, ?> rule && Boolean.FALSE.equals(rule.get("passed"))) {
                            anyRule = true;
                            Map<String, Object> reason = new LinkedHashMap<>();
                            reason.put("policy_id", evaluation.get("policy_id"));
                            reason.put("rule", rule.get("name"));
                            reason.put("message", rule.get("message") != null ? rule.get("message") : rule.get("error"));
                            if (rule.get("remedy") != null) {
                                reason.put("remedy", rule.get("remedy"));
                            }
                            reasons.add(reason);
                        }
                    }
                }
                if (!anyRule) {
                    Map<String, Object> reason = new LinkedHashMap<>();
                    reason.put("policy_id", evaluation.get("policy_id"));
                    reason.put("message", evaluation.get("reason"));
                    reasons.add(reason);
                }
            }
        }
        return new PolicyDecision(String.valueOf(raw.get("decision_id")), outcome,
                revision instanceof Number number ? number.longValue() : null, List.copyOf(conditions), constraints,
                List.copyOf(reasons), raw);
    }
}
