package dev.polity.sync.organization.service;

import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a create request and reports every wrong field at once, in the client's (snake_case) names. */
public final class OrganizationValidator {

    static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    static final Pattern REGION = Pattern.compile("[a-z][a-z0-9-]{0,62}");
    static final int MAX_NAME_LENGTH = 200;
    /** Ids that would shadow a literal path under {@code /api/v1/bundles}. */
    static final Set<String> RESERVED_IDS = Set.of("keys");

    private OrganizationValidator() {
    }

    static final Set<String> POLICY_AUTHORITIES = Set.of("global", "regional", "local");
    static final Pattern TOKEN = Pattern.compile("[a-z][a-z0-9_-]{0,62}");

    /** Every problem of the request, in the client's (snake_case) field names; empty when valid. */
    public static List<FieldError> problems(NewOrganization request) {
        List<FieldError> errors = new ArrayList<>();
        collect(request, errors);
        return errors;
    }

    static void validate(NewOrganization request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "an organization is required");
        }
        List<FieldError> errors = new ArrayList<>();
        collect(request, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private static void collect(NewOrganization request, List<FieldError> errors) {
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
        if (request.policyAuthority() != null && !POLICY_AUTHORITIES.contains(request.policyAuthority())) {
            errors.add(new FieldError("policy_authority", "must be one of global, regional, local"));
        }
        if (request.partnershipType() != null && !TOKEN.matcher(request.partnershipType()).matches()) {
            errors.add(new FieldError("partnership_type", "must be a lower-case token such as vendor"));
        }
        ids("trusted_partners", request.trustedPartners(), errors);
        ids("consortia", request.consortia(), errors);
        if (request.governanceEndpoint() != null) {
            try {
                java.net.URI uri = new java.net.URI(request.governanceEndpoint());
                if (uri.getHost() == null || !("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))) {
                    errors.add(new FieldError("governance_endpoint", "must be an absolute http or https URL"));
                }
            } catch (java.net.URISyntaxException e) {
                errors.add(new FieldError("governance_endpoint", "must be an absolute http or https URL"));
            }
        }
    }

    private static void ids(String field, List<String> ids, List<FieldError> errors) {
        if (ids == null) {
            return;
        }
        for (int i = 0; i < ids.size(); i++) {
            if (ids.get(i) == null || !ID.matcher(ids.get(i)).matches()) {
                errors.add(new FieldError(field + "[" + i + "]", "is not an id (lower-case letters, digits, dashes)"));
            }
        }
    }
}
