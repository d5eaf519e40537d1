package dev.polity.registry.security;

/**
 * The roles the registry checks, as in the permission table of the root README (issue 7). Model reads are
 * for the people who build, ship, review and govern models; {@code business_analyst} may also search the
 * catalogue and record usage; {@code platform_admin} manages sharing (collaborations, consortia, access
 * decisions); {@code data_engineer}, {@code auditor}, {@code policy_author} and {@code policy_approver} have
 * no model access.
 */
public final class Roles {

    public static final String DATA_SCIENTIST = "data_scientist";
    public static final String ML_ENGINEER = "ml_engineer";
    public static final String BUSINESS_ANALYST = "business_analyst";
    public static final String COMPLIANCE_OFFICER = "compliance_officer";
    public static final String PLATFORM_ADMIN = "platform_admin";
    public static final String ML_LEAD = "ml_lead";
    public static final String PRODUCT_OWNER = "product_owner";
    public static final String SECURITY_REVIEWER = "security_reviewer";
    public static final String STAKEHOLDER = "stakeholder";

    private Roles() {
    }
}
