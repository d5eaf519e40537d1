package dev.polity.contracts.policy;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.json.Json;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reading, validating and hashing policy documents. */
public final class PolicyDocuments {

    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final Pattern RULE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");
    /** Bounds what one tenant can make every node compile and evaluate. */
    static final int MAX_RULES = 50;
    static final int MAX_EXPRESSION_LENGTH = 4_000;

    private PolicyDocuments() {
    }

    /** Parses YAML (JSON is valid YAML, so this reads both) and validates the result. */
    public static PolicyDocument parse(String text) {
        return read(Json.yamlMapper(), text);
    }

    /** Parses strict JSON and validates the result. */
    public static PolicyDocument parseJson(String text) {
        return read(Json.mapper(), text);
    }

    /** SHA-256 (hex) of the policy's canonical JSON: key order, whitespace and YAML vs JSON do not matter. */
    public static String sha256(PolicyDocument policy) {
        return Hashes.sha256Hex(CanonicalJson.canonicalize(policy));
    }

    public static String toJson(PolicyDocument policy) {
        try {
            return Json.mapper().writeValueAsString(policy);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PolicyDocument read(ObjectMapper mapper, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidPolicyException(List.of(new PolicyViolation("$", "the document is empty")));
        }
        PolicyDocument policy;
        try {
            policy = mapper.readValue(text, PolicyDocument.class);
        } catch (UnrecognizedPropertyException e) {
            // No line number here: records are bound through their constructor, so Jackson reports
            // the end of the enclosing object, not the field. The path is exact.
            throw new InvalidPolicyException(List.of(new PolicyViolation(path(e), "unknown field")));
        } catch (JsonMappingException e) {
            Throwable cause = e.getCause();
            String problem = cause instanceof IllegalArgumentException ? cause.getMessage() : e.getOriginalMessage();
            throw new InvalidPolicyException(List.of(new PolicyViolation(path(e), problem)));
        } catch (JsonProcessingException e) {
            throw new InvalidPolicyException(List.of(new PolicyViolation("$",
                    "not valid YAML or JSON: " + e.getOriginalMessage() + at(e.getLocation()))));
        }
        if (policy == null) {
            throw new InvalidPolicyException(List.of(new PolicyViolation("$", "the document is empty")));
        }
        validate(policy);
        return policy;
    }

    /** Checks what the type system cannot: required fields, scope consistency, limits. */
    public static void validate(PolicyDocument policy) {
        List<PolicyViolation> violations = new ArrayList<>();
        if (policy.id() == null || !ID.matcher(policy.id()).matches()) {
            violations.add(new PolicyViolation("id", "is required: 1-63 lower-case letters, digits or dashes"));
        }
        if (policy.version() != null && policy.version() < 1) {
            violations.add(new PolicyViolation("version", "must be 1 or more"));
        }
        if (policy.type() == null) {
            violations.add(new PolicyViolation("type", "is required"));
        }
        if (policy.enforcement() == null) {
            violations.add(new PolicyViolation("enforcement", "is required: blocking, conditional or advisory"));
        }
        validateScope(policy.scope(), violations);
        if (policy.match() != null && policy.match().isBlank()) {
            violations.add(new PolicyViolation("match", "must not be blank; leave it out to match every request"));
        }
        if (policy.rules().isEmpty()) {
            violations.add(new PolicyViolation("rules", "at least one rule is required"));
        } else if (policy.rules().size() > MAX_RULES) {
            violations.add(new PolicyViolation("rules", "at most " + MAX_RULES + " rules per policy"));
        }
        Set<String> ruleNames = new HashSet<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            PolicyRule rule = policy.rules().get(i);
            String field = "rules[" + i + "]";
            if (rule == null) {
                violations.add(new PolicyViolation(field, "must not be null"));
                continue;
            }
            if (rule.name() == null || !RULE_NAME.matcher(rule.name()).matches()) {
                violations.add(new PolicyViolation(field + ".name", "is required: letters, digits, '-' or '_'"));
            } else if (!ruleNames.add(rule.name())) {
                violations.add(new PolicyViolation(field + ".name", "'" + rule.name() + "' is used twice"));
            }
            requireExpression(rule.expression(), field + ".expression", true, violations);
            requireExpression(rule.messageExpression(), field + ".messageExpression", false, violations);
            if ((rule.message() == null || rule.message().isBlank()) && rule.messageExpression() == null) {
                violations.add(new PolicyViolation(field + ".message", "a message or messageExpression is required"));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidPolicyException(violations);
        }
    }

    private static void validateScope(PolicyScope scope, List<PolicyViolation> violations) {
        if (scope == null || scope.level() == null) {
            violations.add(new PolicyViolation("scope.level", "is required: global, regional, organization or team"));
            return;
        }
        switch (scope.level()) {
            case GLOBAL -> {
                if (scope.region() != null || scope.organization() != null || scope.team() != null) {
                    violations.add(new PolicyViolation("scope", "a global scope names no region, organization or team"));
                }
            }
            case REGIONAL -> requireText(scope.region(), "scope.region", "a regional scope names its region", violations);
            case ORGANIZATION -> requireText(scope.organization(), "scope.organization",
                    "an organization scope names its organization", violations);
            case TEAM -> {
                requireText(scope.organization(), "scope.organization", "a team scope names its organization", violations);
                requireText(scope.team(), "scope.team", "a team scope names its team", violations);
            }
        }
    }

    private static void requireExpression(String expression, String field, boolean required, List<PolicyViolation> violations) {
        if (expression == null) {
            if (required) {
                violations.add(new PolicyViolation(field, "is required"));
            }
        } else if (expression.isBlank()) {
            violations.add(new PolicyViolation(field, "must not be blank"));
        } else if (expression.length() > MAX_EXPRESSION_LENGTH) {
            violations.add(new PolicyViolation(field, "is longer than " + MAX_EXPRESSION_LENGTH + " characters"));
        }
    }

    private static void requireText(String value, String field, String problem, List<PolicyViolation> violations) {
        if (value == null || value.isBlank()) {
            violations.add(new PolicyViolation(field, problem));
        }
    }

    /** Jackson's reference path as {@code rules[0].expression}. */
    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                if (!path.isEmpty()) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.isEmpty() ? "$" : path.toString();
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 1 ? "" : " (line " + location.getLineNr() + ")";
    }
}
