package dev.polity.sync.common;

import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;

/**
 * Who performs an authoring step, from the verified token: its subject (user or client id) and
 * organisation (claim {@code org_id}, may be absent for central staff).
 */
public record Actor(String subject, String organization) {

    public static Actor of(Caller caller) {
        String organization;
        try {
            organization = caller.organization();
        } catch (ProblemException noOrganization) {
            organization = null;
        }
        return new Actor(caller.subject(), organization);
    }
}
