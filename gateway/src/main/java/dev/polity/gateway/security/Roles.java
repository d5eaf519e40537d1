package dev.polity.gateway.security;

import java.util.List;
import java.util.Set;

/** The roles of the permission table (token claim {@code roles}); see the root README. */
public final class Roles {

    public static final String DATA_SCIENTIST = "data_scientist";
    public static final String ML_ENGINEER = "ml_engineer";
    public static final String DATA_ENGINEER = "data_engineer";
    public static final String BUSINESS_ANALYST = "business_analyst";
    public static final String COMPLIANCE_OFFICER = "compliance_officer";
    public static final String AUDITOR = "auditor";
    public static final String POLICY_AUTHOR = "policy_author";
    public static final String POLICY_APPROVER = "policy_approver";
    public static final String PLATFORM_ADMIN = "platform_admin";
    /** Review roles: they read models and sign lifecycle transitions off. */
    public static final String ML_LEAD = "ml_lead";
    public static final String PRODUCT_OWNER = "product_owner";
    public static final String SECURITY_REVIEWER = "security_reviewer";
    public static final String STAKEHOLDER = "stakeholder";

    public static final List<String> ALL = List.of(DATA_SCIENTIST, ML_ENGINEER, DATA_ENGINEER, BUSINESS_ANALYST, COMPLIANCE_OFFICER,
            AUDITOR, POLICY_AUTHOR, POLICY_APPROVER, PLATFORM_ADMIN, ML_LEAD, PRODUCT_OWNER, SECURITY_REVIEWER, STAKEHOLDER);

    /** Build models: register, change, move through the lifecycle (the registry keeps production to ml_engineer). */
    public static final Set<String> MODEL_BUILDERS = Set.of(DATA_SCIENTIST, ML_ENGINEER);
    /** Read models, versions, history and model cards of their own organisation. */
    public static final Set<String> MODEL_READERS = Set.of(DATA_SCIENTIST, ML_ENGINEER, COMPLIANCE_OFFICER, ML_LEAD, PRODUCT_OWNER,
            SECURITY_REVIEWER, STAKEHOLDER);
    /** Sign lifecycle transitions off (the registry's reviews). */
    public static final Set<String> REVIEWERS = Set.of(SECURITY_REVIEWER, COMPLIANCE_OFFICER, STAKEHOLDER);
    /** Ask another organisation for one of its models. */
    public static final Set<String> ACCESS_REQUESTERS = Set.of(DATA_SCIENTIST, ML_ENGINEER, ML_LEAD);
    /** Decide on access requests to the organisation's models and revoke grants. */
    public static final Set<String> SHARING_DECIDERS = Set.of(ML_LEAD, PRODUCT_OWNER, PLATFORM_ADMIN);
    /** See access requests, grants, usage, consortia and collaboration agreements. */
    public static final Set<String> SHARING_READERS = Set.of(DATA_SCIENTIST, ML_ENGINEER, ML_LEAD, PRODUCT_OWNER, PLATFORM_ADMIN,
            COMPLIANCE_OFFICER);
    /** Record a use (download, inference, training) of a model. */
    public static final Set<String> USAGE_RECORDERS = Set.of(DATA_SCIENTIST, ML_ENGINEER, BUSINESS_ANALYST);
    /** Read the audit log. */
    public static final Set<String> AUDIT_READERS = Set.of(AUDITOR, COMPLIANCE_OFFICER);
    /** Read policies, pending changes, overrides and bundles. */
    public static final Set<String> GOVERNANCE_READERS = Set.of(POLICY_AUTHOR, POLICY_APPROVER, COMPLIANCE_OFFICER, AUDITOR, PLATFORM_ADMIN);
    /** No role needed: any valid token that names an organisation. */
    public static final Set<String> ANY = Set.of();

    private Roles() {
    }
}
