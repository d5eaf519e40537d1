package dev.polity.sync.config;

/** The roles (token claim {@code roles}) the central authority checks; see service-conventions.md. */
public final class Roles {

    /** Organisations, federation import, manual bundle builds. */
    public static final String PLATFORM_ADMIN = "platform_admin";
    /** Submitting policy changes and override requests. */
    public static final String POLICY_AUTHOR = "policy_author";
    /** Approving or rejecting someone else's policy change or override. */
    public static final String POLICY_APPROVER = "policy_approver";

    private Roles() {
    }
}
