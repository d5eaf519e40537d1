package dev.polity.sync.policy.service;

import dev.polity.contracts.policy.PolicyScope;

/** Data of a {@code polity.policy.created} audit event. */
public record PolicyCreated(String policyId, int version, String sha256, String scopeLevel, String scopeRegion,
                            String scopeOrganization, String scopeTeam, String type, String enforcement) {

    static PolicyCreated of(String policyId, int version, String sha256, PolicyScope scope, String type,
                            String enforcement) {
        return new PolicyCreated(policyId, version, sha256, scope.level().wireName(), scope.region(),
                scope.organization(), scope.team(), type, enforcement);
    }
}
