package dev.polity.policy.engine;

import dev.polity.contracts.bundle.BundleVerificationException;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyRule;
import dev.polity.contracts.policy.StandardLibrary;
import org.junit.jupiter.api.Test;

import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A new revision reuses the compiled form of every policy it did not change. */
class BundleCompilerTest {

    private final KeyPair keys = Ed25519.generateKeyPair();
    private final BundleCompiler compiler = new BundleCompiler(new CelEnvironment());

    @Test
    void reusesUnchangedPoliciesAndCompilesChangedOnes() {
        List<PolicyDocument> library = StandardLibrary.loadAll();
        CompiledBundle first = compiler.compile(sign(1, library), Instant.now());

        List<PolicyDocument> changed = new ArrayList<>(library);
        PolicyDocument original = changed.get(0);
        PolicyDocument edited = withVersion(original, original.version() + 1);
        changed.set(0, edited);
        CompiledBundle second = compiler.compile(sign(2, changed), Instant.now());

        Map<String, CompiledPolicy> before = byId(first);
        Map<String, CompiledPolicy> after = byId(second);
        assertThat(after.get(edited.id())).isNotSameAs(before.get(edited.id()));
        assertThat(after.get(edited.id()).document().version()).isEqualTo(edited.version());
        for (PolicyDocument policy : library.subList(1, library.size())) {
            assertThat(after.get(policy.id())).as(policy.id()).isSameAs(before.get(policy.id()));
        }
    }

    @Test
    void aRejectedBundleLeavesTheLastGoodOneReusable() {
        List<PolicyDocument> library = StandardLibrary.loadAll();
        CompiledBundle good = compiler.compile(sign(1, library), Instant.now());

        List<PolicyDocument> broken = new ArrayList<>(library);
        PolicyDocument original = broken.get(0);
        PolicyRule rule = original.rules().get(0);
        broken.set(0, withRules(original, List.of(new PolicyRule(rule.name(), "request.model.(", rule.message(),
                rule.messageExpression(), rule.remedy()))));
        assertThatThrownBy(() -> compiler.compile(sign(2, broken), Instant.now()))
                .isInstanceOf(BundleVerificationException.class)
                .hasMessageContaining(original.id());

        Map<String, CompiledPolicy> before = byId(good);
        byId(compiler.compile(sign(3, library), Instant.now()))
                .forEach((id, compiled) -> assertThat(compiled).as(id).isSameAs(before.get(id)));
    }

    private static Map<String, CompiledPolicy> byId(CompiledBundle bundle) {
        Map<String, CompiledPolicy> byId = new HashMap<>();
        bundle.policies().forEach(policy -> byId.put(policy.document().id(), policy));
        return byId;
    }

    private SignedBundle sign(long revision, List<PolicyDocument> policies) {
        return Bundles.sign("acme", revision, Instant.now(), policies, keys.getPrivate(), keys.getPublic());
    }

    private static PolicyDocument withVersion(PolicyDocument p, int version) {
        return new PolicyDocument(p.id(), p.name(), p.description(), version, p.scope(), p.type(), p.enforcement(),
                p.match(), p.params(), p.rules(), p.conditions(), p.constraints());
    }

    private static PolicyDocument withRules(PolicyDocument p, List<PolicyRule> rules) {
        return new PolicyDocument(p.id(), p.name(), p.description(), p.version(), p.scope(), p.type(), p.enforcement(),
                p.match(), p.params(), rules, p.conditions(), p.constraints());
    }
}
