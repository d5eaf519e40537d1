package dev.polity.sync.organization.service;

import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a create request and reports every wrong field at once, in the client's (snake_case) names. */
final class OrganizationValidator {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern REGION = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    static final int MAX_NAME_LENGTH = 200;
    /** Ids that would shadow a literal path under {@code /api/v1/bundles}. */
    static final Set<String> RESERVED_IDS = Set.of("keys");

    private OrganizationValidator() {
    }

    static void validate(NewOrganization request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "an organization is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.id() == null || !ID.matcher(request.id()).matches()) {
            errors.add(new FieldError("id", "is required: 1-63 lower-case letters, digits or dashes, starting with a letter or digit"));
        } else if (RESERVED_IDS.contains(request.id())) {
            errors.add(new FieldError("id", "'" + request.id() + "' is reserved"));
        }
        if (request.name() == null || request.name().isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else if (request.name().length() > MAX_NAME_LENGTH) {
            errors.add(new FieldError("name", "is longer than " + MAX_NAME_LENGTH + " characters"));
        }
        if (!Tier.isValid(request.tier())) {
            errors.add(new FieldError("tier", "is required: one of " + String.join(", ", Tier.wireNames())));
        }
        if (request.region() == null || !REGION.matcher(request.region()).matches()) {
            errors.add(new FieldError("region", "is required: a lower-case token such as global, eu, us or apac"));
        }
        if (request.parentOrganization() != null) {
            if (!ID.matcher(request.parentOrganization()).matches()) {
                errors.add(new FieldError("parent_organization", "is not an organization id"));
            } else if (request.parentOrganization().equals(request.id())) {
                errors.add(new FieldError("parent_organization", "an organization cannot be its own parent"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }
}
