package dev.polity.sync.authoring;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** require_approval on. Expiry is tested by moving a change's expiry into the past in the database. */
public class ApprovalProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("polity.authoring.require-approval", "true",
                "polity.authoring.approval-timeout", "10m");
    }
}
