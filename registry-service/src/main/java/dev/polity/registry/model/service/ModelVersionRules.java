package dev.polity.registry.model.service;

import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Input rules for models and versions; every violation is reported at once, named by its wire field. */
public final class ModelVersionRules {

    /** Organisation and model names: lower-case letters, digits and inner dashes, at most 63 characters. */
    public static final String NAME_PATTERN = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern NAME = Pattern.compile(NAME_PATTERN);
    private static final Pattern SHA256 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final int MAX_TAGS = 50;
    private static final int MAX_URI = 2048;
    private static final int MAX_SHORT_TEXT = 200;
    private static final int MAX_DESCRIPTION = 10_000;

    private ModelVersionRules() {
    }

    /** Checks the path of a model: {@code org} and {@code name}. */
    public static void requireModelPath(String org, String name) {
        List<FieldError> errors = new ArrayList<>();
        checkName("org", org, errors);
        checkName("name", name, errors);
        throwIfAny(errors);
    }

    /** Checks the path of a version: {@code org}, {@code name} and {@code version}. */
    public static SemanticVersion requireVersionPath(String org, String name, String version) {
        List<FieldError> errors = new ArrayList<>();
        checkName("org", org, errors);
        checkName("name", name, errors);
        SemanticVersion semver = checkVersion(version, errors);
        throwIfAny(errors);
        return semver;
    }

    /** Checks a registration and returns its parsed version. */
    public static SemanticVersion requireValidRegistration(String org, String name, RegisterModelVersion request) {
        List<FieldError> errors = new ArrayList<>();
        checkName("org", org, errors);
        checkName("name", name, errors);
        if (request == null) {
            errors.add(new FieldError("body", "is required"));
            throwIfAny(errors);
        }
        SemanticVersion semver = checkVersion(request.version(), errors);
        if (isBlank(request.artifactUri())) {
            errors.add(new FieldError("artifact_uri", "is required"));
        } else if (request.artifactUri().length() > MAX_URI) {
            errors.add(new FieldError("artifact_uri", "is longer than " + MAX_URI + " characters"));
        }
        if (isBlank(request.artifactSha256())) {
            errors.add(new FieldError("artifact_sha256", "is required"));
        } else if (!SHA256.matcher(request.artifactSha256()).matches()) {
            errors.add(new FieldError("artifact_sha256", "must be 64 hexadecimal characters (a SHA-256 digest)"));
        }
        checkLength("framework", request.framework(), MAX_SHORT_TEXT, errors);
        checkLength("model_type", request.modelType(), MAX_SHORT_TEXT, errors);
        checkLength("description", request.description(), MAX_DESCRIPTION, errors);
        checkLength("created_by", request.createdBy(), MAX_SHORT_TEXT, errors);
        checkFacts("model.", request.model(), errors);
        if (request.modelCard() != null) {
            checkLength("model_card.intended_use", request.modelCard().intendedUse(), MAX_DESCRIPTION, errors);
            checkLength("model_card.out_of_scope_use", request.modelCard().outOfScopeUse(), MAX_DESCRIPTION, errors);
            checkLength("model_card.limitations", request.modelCard().limitations(), MAX_DESCRIPTION, errors);
            checkLength("model_card.ethical_considerations", request.modelCard().ethicalConsiderations(), MAX_DESCRIPTION, errors);
        }
        if (request.fairnessMetrics() != null && request.fairnessMetrics().byGroup() != null) {
            request.fairnessMetrics().byGroup().forEach((group, metrics) -> {
                if (metrics == null) {
                    errors.add(new FieldError("fairness_metrics.by_group." + group, "must be an object of named numbers"));
                } else {
                    metrics.forEach((metric, value) -> {
                        if (value == null) {
                            errors.add(new FieldError("fairness_metrics.by_group." + group + "." + metric, "must be a number"));
                        }
                    });
                }
            });
        }
        if (request.performanceMetrics() != null) {
            request.performanceMetrics().forEach((metric, value) -> {
                if (value == null) {
                    errors.add(new FieldError("performance_metrics." + metric, "must be a number"));
                }
            });
        }
        throwIfAny(errors);
        return semver;
    }

    /** Checks a change of a model's facts ({@code PATCH /api/v1/models/{org}/{name}}). */
    public static void requireValidFacts(String org, String name, ModelFacts facts) {
        List<FieldError> errors = new ArrayList<>();
        checkName("org", org, errors);
        checkName("name", name, errors);
        if (facts == null) {
            errors.add(new FieldError("body", "is required"));
        }
        checkFacts("", facts, errors);
        throwIfAny(errors);
    }

    private static void checkFacts(String prefix, ModelFacts facts, List<FieldError> errors) {
        if (facts == null) {
            return;
        }
        checkLength(prefix + "description", facts.description(), MAX_DESCRIPTION, errors);
        checkLength(prefix + "owning_team", facts.owningTeam(), MAX_SHORT_TEXT, errors);
        checkLength(prefix + "domain", facts.domain(), MAX_SHORT_TEXT, errors);
        if (facts.accessLevel() != null && AccessLevel.fromWire(facts.accessLevel()) == null) {
            errors.add(new FieldError(prefix + "access_level", "must be one of " + String.join(", ", AccessLevel.wireNames())));
        }
        if (facts.tags() != null) {
            if (facts.tags().size() > MAX_TAGS) {
                errors.add(new FieldError(prefix + "tags", "has more than " + MAX_TAGS + " tags"));
            }
            for (int i = 0; i < facts.tags().size(); i++) {
                String tag = facts.tags().get(i);
                if (tag == null || !TAG.matcher(tag).matches()) {
                    errors.add(new FieldError(prefix + "tags[" + i + "]",
                            "must be 1-63 lower-case letters, digits, dashes, dots or underscores"));
                }
            }
        }
    }

    private static SemanticVersion checkVersion(String version, List<FieldError> errors) {
        if (isBlank(version)) {
            errors.add(new FieldError("version", "is required"));
            return null;
        }
        SemanticVersion semver = SemanticVersion.parseOrNull(version);
        if (semver == null) {
            errors.add(new FieldError("version", "must be a semantic version MAJOR.MINOR.PATCH, e.g. 1.4.0"));
        }
        return semver;
    }

    public static void checkName(String field, String value, List<FieldError> errors) {
        if (value == null || !NAME.matcher(value).matches()) {
            errors.add(new FieldError(field, "must be 1-63 lower-case letters, digits or dashes, not starting or ending with a dash"));
        }
    }

    public static void checkLength(String field, String value, int max, List<FieldError> errors) {
        if (value != null && value.length() > max) {
            errors.add(new FieldError(field, "is longer than " + max + " characters"));
        }
    }

    static boolean isBlank(String value) {
        return value == null || value.isBlank();
    }

    public static void throwIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
