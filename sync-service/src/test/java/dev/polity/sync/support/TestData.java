package dev.polity.sync.support;

import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import static dev.polity.sync.support.Api.admin;
import static dev.polity.sync.support.Api.author;

/** Unique ids and request helpers; every test creates its own data. */
public final class TestData {

    public static final String YAML = "application/yaml";

    private TestData() {
    }

    /** {@code prefix-1a2b3c4d}: unique per call, valid as organisation, policy and region id. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public static String organizationJson(String id, String tier, String region, String parent) {
        return """
                {"id": "%s", "name": "Org %s", "tier": "%s", "region": "%s"%s}
                """.formatted(id, id, tier, region, parent == null ? "" : ", \"parent_organization\": \"" + parent + "\"");
    }

    public static void createOrganization(String id, String region) {
        createOrganization(id, region, null);
    }

    public static void createOrganization(String id, String region, String parent) {
        admin().contentType(ContentType.JSON).body(organizationJson(id, "enterprise", region, parent))
                .when().post("/api/v1/organizations")
                .then().statusCode(201);
    }

    /**
     * A valid policy document.
     *
     * @param scope a YAML flow mapping, e.g. {@code { level: regional, region: eu }}
     */
    public static String policyYaml(String id, String scope, String maxParity) {
        return """
                id: %s
                name: Bias threshold %s
                scope: %s
                type: bias
                enforcement: blocking
                match: request.deployment.environment == "production"
                params: { max_demographic_parity: %s }
                rules:
                  - name: fairness-tested
                    expression: has(request.model.fairness_metrics) && size(request.model.fairness_metrics) > 0
                    message: No bias testing performed
                    remedy: Perform bias testing before deployment
                  - name: demographic-parity
                    expression: request.model.fairness_metrics.demographic_parity <= params.max_demographic_parity
                    messageExpression: '"demographic_parity " + string(request.model.fairness_metrics.demographic_parity)'
                """.formatted(id, id, scope, maxParity);
    }

    public static ValidatableResponse postPolicy(String yaml) {
        return author().contentType(YAML).body(utf8(yaml)).when().post("/api/v1/policies").then();
    }

    /** Rest Assured sends bytes as they are; it refuses to encode a String for a YAML content type. */
    public static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    public static void createPolicy(String id, String scope) {
        postPolicy(policyYaml(id, scope, "0.10")).statusCode(201);
    }
}
