package dev.polity.contracts.bundle;

import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.PolicyRule;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.PublicKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BundlesTest {

    private static final KeyPair KEYS = Ed25519.generateKeyPair();
    private static final Map<String, PublicKey> TRUSTED = Map.of(Ed25519.keyId(KEYS.getPublic()), KEYS.getPublic());

    private static final PolicyDocument PII = PolicyDocuments.parse("""
            id: pii-anonymization
            scope: { level: global }
            type: data_privacy
            enforcement: blocking
            rules:
              - name: pii-anonymized
                expression: '!request.model.training_data.contains_pii || has(request.model.training_data.anonymization_method)'
                message: PII detected without anonymization
            """);
    private static final PolicyDocument BIAS = PolicyDocuments.parse(dev.polity.contracts.policy.PolicyDocumentsTest.BIAS_YAML);

    private static SignedBundle signed() {
        return Bundles.sign("acme", 7, Instant.parse("2026-11-21T10:00:00Z"), List.of(PII, BIAS), KEYS.getPrivate(), KEYS.getPublic());
    }

    @Test
    void aSignedBundleVerifiesAfterAJsonRoundTrip() {
        SignedBundle bundle = signed();
        SignedBundle received = Bundles.fromJson(Bundles.toJson(bundle).getBytes(StandardCharsets.UTF_8));
        assertThatCode(() -> Bundles.verify(received, "acme", TRUSTED)).doesNotThrowAnyException();
        assertThat(received.manifest().policies()).extracting(PolicyDigest::id).containsExactly("bias-threshold", "pii-anonymization");
    }

    @Test
    void theSamePoliciesAlwaysGiveTheSameDigest() {
        SignedBundle reversed = Bundles.sign("acme", 7, Instant.parse("2026-11-21T10:00:00Z"), List.of(BIAS, PII), KEYS.getPrivate(), KEYS.getPublic());
        assertThat(reversed.manifest().digest()).isEqualTo(signed().manifest().digest());
    }

    @Test
    void aChangedPolicyIsRejected() {
        SignedBundle bundle = signed();
        PolicyRule loosened = new PolicyRule("pii-anonymized", "true", "PII detected without anonymization", null, null);
        PolicyDocument tampered = new PolicyDocument(PII.id(), PII.name(), PII.description(), PII.version(), PII.scope(), PII.type(),
                PII.enforcement(), PII.match(), PII.params(), List.of(loosened), PII.conditions(), PII.constraints());
        SignedBundle forged = new SignedBundle(bundle.manifest(), List.of(bundle.policies().get(0), tampered), bundle.signature());
        assertThatThrownBy(() -> Bundles.verify(forged, "acme", TRUSTED))
                .isInstanceOf(BundleVerificationException.class)
                .hasMessageContaining("'pii-anonymization' does not match its hash");
    }

    @Test
    void aDroppedPolicyIsRejected() {
        SignedBundle bundle = signed();
        SignedBundle forged = new SignedBundle(bundle.manifest(), List.of(bundle.policies().get(0)), bundle.signature());
        assertThatThrownBy(() -> Bundles.verify(forged, "acme", TRUSTED)).hasMessageContaining("lists 2");
    }

    @Test
    void aChangedManifestBreaksTheSignature() {
        SignedBundle bundle = signed();
        BundleManifest m = bundle.manifest();
        BundleManifest bumped = new BundleManifest(m.organizationId(), m.revision() + 1, m.createdAt(), m.policies(), m.digest(), m.keyId(), m.algorithm());
        assertThatThrownBy(() -> Bundles.verify(new SignedBundle(bumped, bundle.policies(), bundle.signature()), "acme", TRUSTED))
                .hasMessage("signature does not match the manifest");
    }

    @Test
    void aBundleSignedWithAnotherKeyIsRejected() {
        KeyPair other = Ed25519.generateKeyPair();
        SignedBundle bundle = Bundles.sign("acme", 1, Instant.now(), List.of(PII), other.getPrivate(), other.getPublic());
        assertThatThrownBy(() -> Bundles.verify(bundle, "acme", TRUSTED)).hasMessageContaining("untrusted key");
    }

    @Test
    void aBundleForAnotherOrganizationIsRejected() {
        assertThatThrownBy(() -> Bundles.verify(signed(), "globex", TRUSTED)).hasMessageContaining("not 'globex'");
    }

    @Test
    void aManifestWithAForgedKeyIdButValidOtherwiseIsRejected() {
        SignedBundle bundle = signed();
        List<PolicyDigest> extra = new ArrayList<>(bundle.manifest().policies());
        extra.add(new PolicyDigest("ghost", 1, "00"));
        BundleManifest m = bundle.manifest();
        BundleManifest changed = new BundleManifest(m.organizationId(), m.revision(), m.createdAt(), extra, m.digest(), m.keyId(), m.algorithm());
        assertThatThrownBy(() -> Bundles.verify(new SignedBundle(changed, bundle.policies(), bundle.signature()), "acme", TRUSTED))
                .isInstanceOf(BundleVerificationException.class);
    }
}
