package dev.polity.sync.bundle.service;

import dev.polity.contracts.policy.Enforcement;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.sync.override.repository.OverrideEntity;

/**
 * How an active override shows in an organisation's bundle, in the bundle format nodes already
 * verify and evaluate: an override for the whole organisation turns the policy {@code advisory}
 * (its rules still run and warn, they no longer deny); an override for one team adds a guard to the
 * policy's {@code match} so that it does not apply to that team's requests. The description names
 * the override, its approver and its expiry; the manifest hashes the document as shipped.
 */
final class Overrides {

    private Overrides() {
    }

    static PolicyDocument apply(PolicyDocument policy, OverrideEntity override) {
        String note = "Overridden (override " + override.id + ", approved by " + override.approver + ", until "
                + override.expiresAt + ")" + (override.teamId == null ? "" : " for team " + override.teamId)
                + ": " + override.reason;
        String description = policy.description() == null || policy.description().isBlank()
                ? note : policy.description() + " | " + note;
        if (override.teamId == null) {
            return new PolicyDocument(policy.id(), policy.name(), description, policy.version(), policy.scope(),
                    policy.type(), Enforcement.ADVISORY, policy.match(), policy.params(), policy.rules(),
                    policy.conditions(), policy.constraints());
        }
        // Team ids are validated as [a-z0-9-]+, so the literal needs no escaping.
        String exclusion = "!(has(request.team_id) && request.team_id == \"" + override.teamId + "\")";
        String match = policy.match() == null ? exclusion : exclusion + " && (" + policy.match() + ")";
        return new PolicyDocument(policy.id(), policy.name(), description, policy.version(), policy.scope(),
                policy.type(), policy.enforcement(), match, policy.params(), policy.rules(),
                policy.conditions(), policy.constraints());
    }
}
