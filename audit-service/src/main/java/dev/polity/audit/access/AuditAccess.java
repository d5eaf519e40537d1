package dev.polity.audit.access;

import dev.polity.audit.config.AuditConfig;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import jakarta.enterprise.context.RequestScoped;

import java.util.List;
import java.util.Objects;

/**
 * Which part of the log the caller may read. Roles are checked on the resources; this holds callers to their
 * token's organisation: an event is visible when its {@code polityorg} is the caller's organisation, unless the
 * caller's organisation is one of {@code polity.audit.access.log-wide-organizations}, which see every event.
 * Checkpoints, proofs' hashes and verification results reveal no event content and are visible to every reader.
 */
@RequestScoped
public class AuditAccess {

    /** Read the log: events, proofs, checkpoints. */
    public static final String AUDITOR = "auditor";
    public static final String COMPLIANCE_OFFICER = "compliance_officer";

    private final Caller caller;
    private final List<String> logWide;

    AuditAccess(Caller caller, AuditConfig config) {
        this.caller = caller;
        this.logWide = config.access().logWideOrganizations().orElse(List.of());
    }

    /** The organisation the caller is held to, or null when the caller reads the whole log. */
    public String scope() {
        String organization = caller.organization();
        return logWide.contains(organization) ? null : organization;
    }

    /**
     * The organisation filter to apply: the one asked for, which must be the caller's own unless the caller reads
     * the whole log; the caller's own when none was asked for.
     *
     * @throws ProblemException 403 when another organisation's events are asked for
     */
    public String organizationFilter(String asked) {
        String scope = scope();
        String wanted = asked == null || asked.isBlank() ? null : asked.trim();
        if (scope == null) {
            return wanted;
        }
        if (wanted != null && !wanted.equals(scope)) {
            throw ProblemException.forbidden("this token reads the audit log of '" + scope + "', not of '" + wanted + "'");
        }
        return scope;
    }

    /** Whether an event of {@code organization} is visible to the caller. */
    public boolean canSee(String organization) {
        String scope = scope();
        return scope == null || Objects.equals(scope, organization);
    }

    public String subject() {
        return caller.subject();
    }
}
