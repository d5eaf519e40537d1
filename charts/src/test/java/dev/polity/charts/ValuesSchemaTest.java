package dev.polity.charts;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** values.schema.json rejects wrong values before anything is rendered, and says which value is wrong. */
class ValuesSchemaTest {

    private static final Path EU = Charts.NODE.resolve("values-eu.yaml");

    @Test
    void rejectsANodeWithoutOrganizationId() {
        assertThatThrownBy(() -> Charts.template(Charts.NODE, "no-org", Charts.testValues("node-missing-organization.yaml")))
                .hasMessageContaining("values don't meet the specifications of the schema")
                .hasMessageContaining("missing property 'organizationId'");
    }

    @Test
    void rejectsANodeWithNoValuesAtAll() {
        assertThatThrownBy(() -> Charts.template(Charts.NODE, "bare"))
                .hasMessageContaining("organizationId")
                .hasMessageContaining("region")
                .hasMessageContaining("trustedPublicKeys");
    }

    @Test
    void rejectsANegativeReplicaCountOfTheNode() {
        assertThatThrownBy(() -> Charts.template(Charts.NODE, "negative", EU, Charts.testValues("node-negative-replicas.yaml")))
                .hasMessageContaining("/policyNode/replicaCount")
                .hasMessageContaining("minimum");
    }

    @Test
    void rejectsANegativeReplicaCountOfTheCentralAuthority() {
        assertThatThrownBy(() -> Charts.template(Charts.CENTRAL, "negative", Charts.testValues("central-negative-replicas.yaml")))
                .hasMessageContaining("/syncService/replicaCount")
                .hasMessageContaining("minimum");
    }

    @Test
    void rejectsAMisspeltKeyInsteadOfIgnoringIt() {
        assertThatThrownBy(() -> Charts.template(Charts.CENTRAL, "typo", Charts.testValues("central-misspelt-key.yaml")))
                .hasMessageContaining("/gateway")
                .hasMessageContaining("'replicas'");
    }

    @Test
    void rejectsSomethingThatIsNotAnEd25519PublicKey() {
        assertThatThrownBy(() -> Charts.template(Charts.NODE, "bad-key", EU, Charts.testValues("node-invalid-public-key.yaml")))
                .hasMessageContaining("/trustedPublicKeys/0");
    }

    @Test
    void rejectsCertificateVerificationWithoutACertificate() {
        assertThatThrownBy(() -> Charts.template(Charts.CENTRAL, "no-ca", Charts.testValues("central-verify-full-without-ca.yaml")))
                .hasMessageContaining("/postgresql/caSecret/name");
    }
}
