package dev.polity.policy.engine;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelRuntime;
import dev.polity.contracts.bundle.BundleVerificationException;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyRule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Compiles every expression of a bundle, or rejects the whole bundle naming the first expression that fails. */
public final class BundleCompiler {

    private final CelEnvironment environment;

    public BundleCompiler(CelEnvironment environment) {
        this.environment = environment;
    }

    public CompiledBundle compile(SignedBundle bundle, Instant activatedAt) {
        List<CompiledPolicy> compiled = new ArrayList<>();
        for (PolicyDocument policy : bundle.policies()) {
            compiled.add(compile(policy));
        }
        return new CompiledBundle(bundle, List.copyOf(compiled), activatedAt);
    }

    public CompiledPolicy compile(PolicyDocument policy) {
        CelRuntime.Program match = policy.match() == null ? null
                : compileOrReject(policy, "match", policy.match(), SimpleType.BOOL);
        List<CompiledPolicy.CompiledRule> rules = new ArrayList<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            PolicyRule rule = policy.rules().get(i);
            CelRuntime.Program program = compileOrReject(policy, "rules[" + i + "].expression", rule.expression(), SimpleType.BOOL);
            CelRuntime.Program message = rule.messageExpression() == null ? null
                    : compileOrReject(policy, "rules[" + i + "].messageExpression", rule.messageExpression(), SimpleType.STRING);
            rules.add(new CompiledPolicy.CompiledRule(rule, program, message));
        }
        return new CompiledPolicy(policy, match, CelValues.fromJsonObject(policy.params()), List.copyOf(rules));
    }

    private CelRuntime.Program compileOrReject(PolicyDocument policy, String field, String expression, dev.cel.common.types.CelType type) {
        try {
            return environment.compile(expression, type);
        } catch (CelCompilationException e) {
            throw new BundleVerificationException("policy '" + policy.id() + "' " + field + " does not compile: " + e.getMessage());
        }
    }
}
