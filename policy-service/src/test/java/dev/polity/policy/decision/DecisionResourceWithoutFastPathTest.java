package dev.polity.policy.decision;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static dev.polity.policy.decision.DecisionResourceTest.asPipeline;
import static dev.polity.policy.decision.DecisionResourceTest.decisionRequest;
import static dev.polity.policy.decision.DecisionResourceTest.publishValidBundle;
import static dev.polity.policy.decision.DecisionResourceTest.routeRequests;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

/** With polity.node.decision-fast-path=false, Quarkus REST's DecisionResource serves decisions, alike. */
@QuarkusTest
@TestProfile(DecisionResourceWithoutFastPathTest.FastPathOff.class)
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "postgres", value = "false"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(OidcTestResource.class)
class DecisionResourceWithoutFastPathTest {

    public static class FastPathOff implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("polity.node.decision-fast-path", "false");
        }
    }

    @Test
    void quarkusRestDecidesWhenTheRouteIsOff() throws Exception {
        publishValidBundle();
        asPipeline().body(decisionRequest("{\"contains_pii\": true, \"anonymization_method\": \"k-anonymity\", \"consent_tracked\": true}"))
                .post("/api/v1/decisions")
                .then().statusCode(200).contentType("application/json")
                .body("decision", equalTo("approved"));
        assertThat(routeRequests()).isZero();
    }

    @Test
    void answersMalformedJsonWithTheSameProblem() {
        asPipeline().body("{\"model_id\": ")
                .post("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("title", equalTo("Malformed request body"));
        asPipeline().body(decisionRequest("{}").replace("\"team_id\"", "\"teem_id\""))
                .post("/api/v1/decisions")
                .then().statusCode(400).contentType("application/problem+json")
                .body("errors[0].field", equalTo("teem_id"));
    }
}
