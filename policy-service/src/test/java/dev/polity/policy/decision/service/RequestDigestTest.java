package dev.polity.policy.decision.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.decision.rest.DecisionRequest;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The request digest of an audit record must not change with how it is computed: {@link DecisionService#requestDigest}
 * gives the digest of the canonical tree the application's mapper (snake_case, nulls kept) makes of the request.
 */
class RequestDigestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

    private static String treeDigest(DecisionRequest request) {
        return Hashes.sha256Hex(CanonicalJson.canonicalize(MAPPER.valueToTree(request)));
    }

    @Test
    void isTheDigestOfTheCanonicalTreeForTheLibrarysExampleRequest() throws Exception {
        DecisionRequest request = MAPPER.convertValue(StandardLibrary.exampleRequest(), DecisionRequest.class);
        assertThat(request.modelMetadata()).isNotEmpty();
        assertThat(DecisionService.requestDigest(request)).isEqualTo(treeDigest(request));
    }

    @Test
    void keepsNullsAndNumbersAsTheTreeDoes() throws Exception {
        DecisionRequest request = MAPPER.readValue("""
                {"model_id": "m", "organization_id": "acme", "team_id": null,
                 "model_metadata": {"b": [1, 2.50, 1e-9, 12345678901234567890, null], "a": {"z": null, "é": "\\u0007"}},
                 "deployment_context": null, "requested_permissions": ["deploy"]}""", DecisionRequest.class);
        assertThat(DecisionService.requestDigest(request)).isEqualTo(treeDigest(request));
        DecisionRequest other = new DecisionRequest("m", "acme", "t", Map.of(), Map.of("x", 1), List.of());
        assertThat(DecisionService.requestDigest(other)).isEqualTo(treeDigest(other))
                .isNotEqualTo(DecisionService.requestDigest(request));
    }
}
