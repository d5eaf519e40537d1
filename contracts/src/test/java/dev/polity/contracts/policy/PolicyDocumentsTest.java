package dev.polity.contracts.policy;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

public class PolicyDocumentsTest {

    public static final String BIAS_YAML = """
            id: bias-threshold
            scope: { level: global }
            type: bias
            enforcement: blocking
            match: request.deployment.environment == "production"
            params: { max_demographic_parity: 0.10, max_equalized_odds: 0.10 }
            rules:
              - name: fairness-tested
                expression: has(request.model.fairness_metrics) && size(request.model.fairness_metrics) > 0
                message: No bias testing performed
                remedy: Perform bias testing before deployment
              - name: demographic-parity
                expression: abs(request.model.fairness_metrics.demographic_parity) <= params.max_demographic_parity
                messageExpression: '"demographic_parity " + string(request.model.fairness_metrics.demographic_parity)'
            """;

    static final String BIAS_JSON_REORDERED = """
            {"rules":[
               {"expression":"has(request.model.fairness_metrics) && size(request.model.fairness_metrics) > 0",
                "name":"fairness-tested","remedy":"Perform bias testing before deployment","message":"No bias testing performed"},
               {"name":"demographic-parity",
                "messageExpression":"\\"demographic_parity \\" + string(request.model.fairness_metrics.demographic_parity)",
                "expression":"abs(request.model.fairness_metrics.demographic_parity) <= params.max_demographic_parity"}],
             "params":{"max_equalized_odds":0.1,"max_demographic_parity":1.0e-1},
             "enforcement":"blocking","type":"bias","scope":{"level":"global"},
             "match":"request.deployment.environment == \\"production\\"","id":"bias-threshold"}
            """;

    @Test
    void readsTheDesignDocumentExample() {
        PolicyDocument policy = PolicyDocuments.parse(BIAS_YAML);
        assertThat(policy.id()).isEqualTo("bias-threshold");
        assertThat(policy.scope().level()).isEqualTo(ScopeLevel.GLOBAL);
        assertThat(policy.type()).isEqualTo(PolicyType.BIAS);
        assertThat(policy.enforcement()).isEqualTo(Enforcement.BLOCKING);
        assertThat(policy.rules()).extracting(PolicyRule::name).containsExactly("fairness-tested", "demographic-parity");
        assertThat(policy.params()).containsEntry("max_demographic_parity", 0.10);
    }

    @Test
    void yamlAndReorderedJsonHashTheSame() {
        String fromYaml = PolicyDocuments.sha256(PolicyDocuments.parse(BIAS_YAML));
        String fromJson = PolicyDocuments.sha256(PolicyDocuments.parseJson(BIAS_JSON_REORDERED));
        assertThat(fromYaml).isEqualTo(fromJson).hasSize(64);
        // Fixed vector: the same document always hashes the same, on every machine and release.
        assertThat(fromYaml).isEqualTo(PolicyDocuments.sha256(PolicyDocuments.parse(PolicyDocuments.toJson(PolicyDocuments.parse(BIAS_YAML)))));
    }

    @Test
    void aChangedParameterChangesTheHash() {
        String original = PolicyDocuments.sha256(PolicyDocuments.parse(BIAS_YAML));
        String loosened = PolicyDocuments.sha256(PolicyDocuments.parse(BIAS_YAML.replace("max_demographic_parity: 0.10", "max_demographic_parity: 0.11")));
        assertThat(loosened).isNotEqualTo(original);
    }

    @Test
    void namesTheFieldOfAnUnknownProperty() {
        assertThatThrownBy(() -> PolicyDocuments.parse(BIAS_YAML.replace("remedy:", "remedyy:")))
                .isInstanceOf(InvalidPolicyException.class)
                .extracting(e -> ((InvalidPolicyException) e).violations(), list(PolicyViolation.class))
                .singleElement()
                .satisfies(v -> {
                    assertThat(v.field()).isEqualTo("rules[0].remedyy");
                    assertThat(v.problem()).isEqualTo("unknown field");
                });
    }

    @Test
    void namesTheFieldOfABadEnumValue() {
        assertThatThrownBy(() -> PolicyDocuments.parse(BIAS_YAML.replace("enforcement: blocking", "enforcement: strict")))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("enforcement")
                .hasMessageContaining("blocking, conditional, advisory");
    }

    @Test
    void listsEveryMissingRequiredField() {
        assertThatThrownBy(() -> PolicyDocuments.parse("id: Bad_Id\nscope: { level: regional }\nrules: []\n"))
                .isInstanceOf(InvalidPolicyException.class)
                .extracting(e -> ((InvalidPolicyException) e).violations(), list(PolicyViolation.class))
                .extracting(PolicyViolation::field)
                .containsExactlyInAnyOrder("id", "type", "enforcement", "scope.region", "rules");
    }

    @Test
    void rejectsARuleWithoutMessage() {
        String yaml = """
                id: p
                scope: { level: team, organization: acme, team: vision }
                type: custom
                enforcement: advisory
                rules:
                  - name: r
                    expression: "true"
                """;
        assertThatThrownBy(() -> PolicyDocuments.parse(yaml)).hasMessageContaining("rules[0].message");
    }

    @Test
    void reportsYamlSyntaxErrorsWithTheLine() {
        assertThatThrownBy(() -> PolicyDocuments.parse("id: x\nrules: [\n  - : :\n"))
                .isInstanceOf(InvalidPolicyException.class)
                .hasMessageContaining("line");
    }
}
