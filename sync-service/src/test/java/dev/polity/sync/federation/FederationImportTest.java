package dev.polity.sync.federation;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import org.junit.jupiter.api.Test;

import static dev.polity.sync.support.Api.admin;
import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.YAML;
import static dev.polity.sync.support.TestData.createPolicy;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.TestData.utf8;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class FederationImportTest {

    /** Every import test uses this federation id: a central authority governs one federation. */
    static final String FEDERATION_ID = "sync-test-federation";

    static String federationFile(String hq, String eu, String vendor, String pending) {
        return """
                federation:
                  id: %s
                  name: Sync test federation
                organizations:
                  - id: %s
                    name: Headquarters
                    tier: enterprise
                    region: global
                    governance_endpoint: https://governance.hq.example
                    policy_authority: global
                  - id: %s
                    name: EU division
                    tier: business
                    region: eu
                    parent_org: %s
                    governance_endpoint: https://governance.eu.example
                    policy_authority: regional
                  - id: %s
                    name: Vendor
                    tier: startup
                    region: us
                    partnership_type: vendor
                    governance_endpoint: https://governance.vendor.example
                    policy_authority: local
                policy_hierarchy:
                  global: []
                  regional:
                    eu: []
                  organizational:
                    %s: [%s]
                sync_configuration:
                  sync_interval: 5m
                  batch_size: 100
                  retry_policy: { max_retries: 3, backoff_multiplier: 2, max_backoff: 1h }
                  conflict_resolution: { strategy: hierarchical, require_approval: true, approval_timeout: 24h }
                audit_configuration:
                  cross_org_audit: true
                  audit_retention: 7y
                  audit_encryption: true
                  audit_endpoints: [https://audit.example/api]
                """.formatted(FEDERATION_ID, hq, eu, hq, vendor, vendor, pending);
    }

    private static ValidatableResponse importFile(String text) {
        return admin().contentType(YAML).body(utf8(text)).when().post("/api/v1/federation/import").then();
    }

    @Test
    void importsAFederationFileIdempotentlyAndListsUnresolvedPolicies() {
        String hq = unique("hq");
        String eu = unique("eu-division");
        String vendor = unique("vendor");
        String pending = unique("vendor-policy");
        String file = federationFile(hq, eu, vendor, pending);

        importFile(file).statusCode(200)
                .body("federation_id", equalTo(FEDERATION_ID))
                .body("created", containsInAnyOrder(hq, eu, vendor))
                .body("updated", empty())
                .body("unresolved_policies.policy_id", hasItem(pending))
                .body("settings.require_approval", equalTo(true))
                .body("settings.approval_timeout_seconds", equalTo(86400))
                .body("settings.max_backoff_seconds", equalTo(3600))
                .body("settings.audit_configuration.audit_retention_days", equalTo(7 * 365));
        reader().when().get("/api/v1/organizations/" + eu).then().statusCode(200)
                .body("parent_organization", equalTo(hq))
                .body("policy_authority", equalTo("regional"))
                .body("governance_endpoint", equalTo("https://governance.eu.example"));
        reader().when().get("/api/v1/organizations/" + vendor).then().statusCode(200)
                .body("partnership_type", equalTo("vendor"));

        importFile(file).statusCode(200)
                .body("created", empty())
                .body("updated", empty())
                .body("unchanged", containsInAnyOrder(hq, eu, vendor));

        reader().when().get("/api/v1/federation/status").then().statusCode(200)
                .body("federation_id", equalTo(FEDERATION_ID))
                .body("unresolved_policies.policy_id", hasItem(pending));

        // Authored later (for another organisation): resolved, and in the subscribed organisation's bundle.
        createPolicy(pending, "{ level: organization, organization: " + hq + " }");
        reader().when().get("/api/v1/federation/status").then().statusCode(200)
                .body("unresolved_policies.policy_id", not(hasItem(pending)));
        TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, vendor, records -> !records.isEmpty()
                && Bundles.fromJson(records.getLast().value()).policies().stream().anyMatch(p -> p.id().equals(pending)));
    }

    @Test
    void acceptsTheFileWrappedInAConfigMap() {
        String hq = unique("hq");
        String indented = federationFile(hq, unique("eu-division"), unique("vendor"), unique("p")).indent(4);
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: federation-config
                data:
                  federation-config.yaml: |
                %s""".formatted(indented);
        importFile(configMap).statusCode(200).body("created", hasItem(hq));
    }

    @Test
    void namesTheLineOfAnUnknownParent() {
        String file = """
                federation: { id: %s, name: Sync test federation }
                organizations:
                  - id: %s
                    name: Orphan
                    tier: startup
                    region: us
                    governance_endpoint: https://orphan.example
                    policy_authority: local
                    parent_org: %s
                """.formatted(FEDERATION_ID, unique("orphan"), unique("nobody"));
        importFile(file).statusCode(400)
                .contentType("application/problem+json")
                .body("detail", containsString("line 9"))
                .body("detail", containsString("parent"));
    }

    @Test
    void namesTheLineOfAMalformedDuration() {
        String file = """
                federation: { id: %s, name: Sync test federation }
                organizations: []
                sync_configuration:
                  conflict_resolution:
                    approval_timeout: soon
                """.formatted(FEDERATION_ID);
        importFile(file).statusCode(400).body("detail", containsString("line 5"))
                .body("detail", containsString("approval_timeout"));
    }

    @Test
    void namesTheLineInsideAConfigMap() {
        String configMap = """
                apiVersion: v1
                kind: ConfigMap
                metadata: { name: federation-config }
                data:
                  federation-config.yaml: |
                    federation: { id: %s, name: Sync test federation }
                    organizations:
                      - { id: %s, name: Bad tier, tier: gold, region: eu }
                """.formatted(FEDERATION_ID, unique("bad"));
        importFile(configMap).statusCode(400).body("detail", containsString("line 8")).body("detail", containsString("tier"));
    }

    @Test
    void rejectsAnotherFederation() {
        importFile("federation: { id: " + FEDERATION_ID + ", name: Sync test federation }\norganizations: []\n")
                .statusCode(200);
        importFile("federation: { id: another-federation, name: Other }\norganizations: []\n").statusCode(409);
    }

    @Test
    void subscribesANewOrganizationToItsTiersDefaultPolicies() {
        String org = unique("startup");
        admin().contentType("application/json").body("""
                {"id": "%s", "name": "Startup", "tier": "startup", "region": "us"}""".formatted(org))
                .when().post("/api/v1/organizations").then().statusCode(201);
        reader().when().get("/api/v1/federation/status").then().statusCode(200)
                .body("unresolved_policies.findAll { it.key == '" + org + "' }.policy_id",
                        containsInAnyOrder("pii-anonymization-flexible", "pii-consent-flexible", "bias-flexible",
                                "usage-limits-flexible"));
    }
}
