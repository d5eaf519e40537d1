package dev.polity.sync.authoring.service;

import dev.polity.sync.policy.service.StoredPolicy;

import java.util.List;

/**
 * What submitting a policy did: stored and published a new version, found it identical to the
 * latest one, or queued it for approval.
 *
 * @param republishing organisations whose bundles are being republished
 */
public record Submission(Kind kind, StoredPolicy policy, PolicyChange change, List<String> republishing) {

    public enum Kind { PUBLISHED, UNCHANGED, PENDING }
}
