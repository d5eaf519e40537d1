package dev.polity.policy.library;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.json.Json;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.engine.BundleCompiler;
import dev.polity.policy.engine.CelEnvironment;
import dev.polity.policy.engine.CelValues;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.policy.engine.CompiledPolicy;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.KeyPair;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the library tests share: the node's CEL environment, the example request as CEL sees it,
 * and the per-policy fixtures under {@code dev/polity/policy/library/cases/<policy id>.yaml}.
 *
 * <p>A fixture lists {@code allowed} and {@code refused} cases. Each case's {@code request} is a
 * patch over {@link #exampleRequest()} (maps merge, other values replace, {@code ~} removes a
 * key), written in the shape CEL sees ({@code model}, {@code deployment}, {@code now},
 * {@code organization_region}, ...).
 */
public final class LibraryFixtures {

    /** The evaluation time the node would pass as {@code request.now}. */
    static final String NOW = "2026-03-01T12:00:00Z";
    /** The example organisation, globalcorp-eu, is in the EU. */
    static final String ORGANIZATION_REGION = "eu";

    static final CelEnvironment CEL = new CelEnvironment();
    static final BundleCompiler COMPILER = new BundleCompiler(CEL);
    private static final KeyPair KEYS = Ed25519.generateKeyPair();
    private static final Map<String, CompiledPolicy> COMPILED = new ConcurrentHashMap<>();

    private LibraryFixtures() {
    }

    /**
     * One case of a fixture.
     *
     * @param outcome     expected policy outcome; defaults to approved for allowed cases and to
     *                    what the policy's enforcement gives for refused ones
     * @param messages    substrings the policy's reason must contain
     * @param conditions  the exact conditions of the decision
     * @param constraints entries the decision's constraints must contain
     * @param failedRules the exact names of the rules that fail
     * @param error       whether a rule is expected to fail by an evaluation error (fail closed)
     */
    record Case(String name, Map<String, Object> request, String outcome, List<String> messages,
                List<String> conditions, Map<String, Object> constraints,
                @JsonProperty("failed_rules") List<String> failedRules, Boolean error) {

        Case {
            request = request == null ? Map.of() : request;
            messages = messages == null ? List.of() : messages;
        }
    }

    record Fixture(String policy, List<Case> allowed, List<Case> refused) {

        Fixture {
            allowed = allowed == null ? List.of() : allowed;
            refused = refused == null ? List.of() : refused;
        }
    }

    static Fixture fixture(String policyId) {
        String path = "dev/polity/policy/library/cases/" + policyId + ".yaml";
        try (InputStream in = LibraryFixtures.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + path);
            }
            return Json.yamlMapper().readValue(in, Fixture.class);
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }

    /**
     * The library's example request (the body of {@code POST /api/v1/decisions}) as CEL's
     * {@code request}: metadata as {@code model}, context as {@code deployment}, plus the
     * evaluation time and the organisation's region a node provides. A fresh, mutable copy.
     */
    static Map<String, Object> exampleRequest() {
        Map<String, Object> wire = StandardLibrary.exampleRequest();
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("model_id", wire.get("model_id"));
        request.put("organization_id", wire.get("organization_id"));
        request.put("organization_region", ORGANIZATION_REGION);
        request.put("team_id", wire.get("team_id"));
        request.put("now", NOW);
        request.put("model", wire.get("model_metadata"));
        request.put("deployment", wire.get("deployment_context"));
        request.put("requested_permissions", wire.get("requested_permissions"));
        return request;
    }

    /** The example request with a patch applied, converted for CEL. */
    static Map<String, Object> celRequest(Map<String, Object> patch) {
        return CelValues.fromJsonObject(merge(exampleRequest(), patch));
    }

    /** Applies a JSON merge patch (RFC 7386: null removes, objects merge, anything else replaces). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> merge(Map<String, Object> base, Map<String, Object> patch) {
        Map<String, Object> merged = new LinkedHashMap<>(base);
        patch.forEach((key, value) -> {
            if (value == null) {
                merged.remove(key);
            } else if (value instanceof Map<?, ?> patchMap && merged.get(key) instanceof Map<?, ?> baseMap) {
                merged.put(key, merge((Map<String, Object>) baseMap, (Map<String, Object>) patchMap));
            } else {
                merged.put(key, value);
            }
        });
        return merged;
    }

    /**
     * A signed bundle of the given library policies, every rule compiled as a node would (by
     * {@link BundleCompiler}); compiled policies are shared between tests to keep them fast.
     */
    static CompiledBundle bundle(List<PolicyDocument> policies) {
        SignedBundle signed = Bundles.sign("globalcorp-eu", 1, Instant.parse(NOW), new ArrayList<>(policies),
                KEYS.getPrivate(), KEYS.getPublic());
        List<CompiledPolicy> compiled = signed.policies().stream()
                .map(policy -> COMPILED.computeIfAbsent(policy.id(), id -> COMPILER.compile(policy)))
                .toList();
        return new CompiledBundle(signed, compiled, Instant.parse(NOW));
    }
}
