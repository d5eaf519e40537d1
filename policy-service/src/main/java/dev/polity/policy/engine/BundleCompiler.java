package dev.polity.policy.engine;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.polity.contracts.bundle.BundleVerificationException;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.PolicyRule;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Compiles every expression of a bundle, or rejects the whole bundle naming the first expression that fails. */
public final class BundleCompiler {

    // The JDK's logger: the engine stays free of Quarkus (the benchmark runs it without), and
    // Quarkus routes it to its log like any other.
    private static final System.Logger LOG = System.getLogger(BundleCompiler.class.getName());

    private final CelEnvironment environment;
    /**
     * The policies of the last bundle compiled, by the SHA-256 of their canonical document. A new
     * revision usually changes one policy of thirty; type-checking and planning the other ones again
     * (about 100 ms of CPU for the standard library) is what made a node slow to activate a change,
     * twenty nodes at once on one machine. A compiled policy depends on its document only.
     */
    private volatile Map<String, CompiledPolicy> lastCompiled = Map.of();

    public BundleCompiler(CelEnvironment environment) {
        this.environment = environment;
    }

    public CompiledBundle compile(SignedBundle bundle, Instant activatedAt) {
        Map<String, CompiledPolicy> previous = lastCompiled;
        Map<String, CompiledPolicy> current = new HashMap<>();
        List<CompiledPolicy> compiled = new ArrayList<>();
        for (PolicyDocument policy : bundle.policies()) {
            String digest = PolicyDocuments.sha256(policy);
            CompiledPolicy policyCompiled = previous.get(digest);
            if (policyCompiled == null) {
                policyCompiled = compile(policy);
            }
            current.put(digest, policyCompiled);
            compiled.add(policyCompiled);
        }
        // Only a bundle that compiled completely replaces the cache (a rejected one throws above).
        lastCompiled = Map.copyOf(current);
        return new CompiledBundle(bundle, List.copyOf(compiled), activatedAt);
    }

    public CompiledPolicy compile(PolicyDocument policy) {
        CompiledExpression match = policy.match() == null ? null
                : compileOrReject(policy, "match", policy.match(), SimpleType.BOOL);
        List<CompiledPolicy.CompiledRule> rules = new ArrayList<>();
        for (int i = 0; i < policy.rules().size(); i++) {
            PolicyRule rule = policy.rules().get(i);
            CompiledExpression program = compileOrReject(policy, "rules[" + i + "].expression", rule.expression(), SimpleType.BOOL);
            CompiledExpression message = rule.messageExpression() == null ? null
                    : compileOrReject(policy, "rules[" + i + "].messageExpression", rule.messageExpression(), SimpleType.STRING);
            rules.add(new CompiledPolicy.CompiledRule(rule, program, message));
        }
        return new CompiledPolicy(policy, match, CelValues.fromJsonObject(policy.params()), List.copyOf(rules));
    }

    private CompiledExpression compileOrReject(PolicyDocument policy, String field, String expression, CelType type) {
        CompiledExpression compiled;
        try {
            compiled = environment.compile(expression, type);
        } catch (CelCompilationException e) {
            throw new BundleVerificationException("policy '" + policy.id() + "' " + field + " does not compile: " + e.getMessage());
        }
        if (compiled instanceof CelJavaExpression interpreted && environment.mode() == CelEnvironment.Mode.CLOSURE_WITH_CEL_JAVA_FALLBACK) {
            // Correct either way, but several times slower: worth knowing when a bundle's latency grows.
            LOG.log(System.Logger.Level.INFO, "policy ''{0}'' {1} is evaluated by cel-java''s interpreter: {2}",
                    policy.id(), field, interpreted.reason());
        }
        return compiled;
    }
}
