package dev.polity.bench.policy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.decision.service.DecisionJsonWriter;
import dev.polity.policy.engine.BundleCompiler;
import dev.polity.policy.engine.CelEnvironment;
import dev.polity.policy.engine.CelValues;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.policy.engine.CompiledExpression;
import dev.polity.policy.engine.Evaluation;
import dev.polity.policy.engine.Outcome;
import dev.polity.policy.engine.PolicyEvaluation;
import dev.polity.policy.engine.PolicyEvaluator;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One governance decision evaluated in-process by the policy node's engine
 * ({@link PolicyEvaluator}) against the whole standard policy library, as a node does per request
 * after the bundle is compiled. SampleTime mode: JMH samples individual invocations, so the
 * result has p50 and p99 per evaluation.
 *
 * <ul>
 *   <li>{@code fullLibrary}: every library policy (all tiers and frameworks at once) against the
 *       library's example request, which every policy approves or does not apply to;</li>
 *   <li>{@code fullLibraryDenied}: the same library against a request that fails policies in
 *       several families, so failure messages are computed too;</li>
 *   <li>{@code fullLibraryWithConversion}: as {@code fullLibrary}, plus converting the request's
 *       JSON values for CEL ({@link CelValues}), as the node does per decision;</li>
 *   <li>{@code strictTierSubscription}: what a strict-tier organisation with all five
 *       compliance frameworks is subscribed to;</li>
 *   <li>{@code deniedDecisionJson}: the JSON a node writes for the {@code fullLibraryDenied} decision: the
 *       answer (every policy, every rule) and the audit record ({@link DecisionJsonWriter});</li>
 *   <li>{@code fullLibraryCelJava} and {@code fullLibraryDeniedCelJava}: as {@code fullLibrary}
 *       and {@code fullLibraryDenied}, with every expression evaluated by cel-java's interpreter
 *       (the engine's fallback) instead of the closure compiler, for comparison in the same run.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 8, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 2, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PolicyEvaluationBench {

    /** The evaluation time a node passes as {@code request.now}. */
    static final String NOW = "2026-03-01T12:00:00Z";
    /** Stand-ins for the two SHA-256 digests an audit record carries (computing them is not what is measured here). */
    private static final String RESPONSE_SHA256 = "0".repeat(64);
    private static final String REQUEST_DIGEST = "1".repeat(64);

    private final PolicyEvaluator evaluator = new PolicyEvaluator();
    private CompiledBundle library;
    private CompiledBundle libraryOnCelJava;
    private CompiledBundle strictTier;
    private Map<String, Object> rawRequest;
    private Map<String, Object> approvedRequest;
    private Map<String, Object> deniedRequest;
    private final DecisionJsonWriter decisionJson = new DecisionJsonWriter(new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE));
    private DecisionResponse deniedDecision;

    @Setup
    public void setUp() {
        BundleCompiler compiler = new BundleCompiler(new CelEnvironment());
        KeyPair keys = Ed25519.generateKeyPair();
        library = compiler.compile(sign(StandardLibrary.loadAll(), keys), Instant.parse(NOW));
        libraryOnCelJava = new BundleCompiler(new CelEnvironment(CelEnvironment.Mode.CEL_JAVA_ONLY))
                .compile(sign(StandardLibrary.loadAll(), keys), Instant.parse(NOW));
        strictTier = compiler.compile(sign(StandardLibrary.subscription("strict",
                List.of("gdpr", "soc2", "hipaa", "eu-ai-act", "ccpa")), keys), Instant.parse(NOW));

        rawRequest = celShape(StandardLibrary.exampleRequest());
        approvedRequest = CelValues.fromJsonObject(rawRequest);
        Map<String, Object> denied = celShape(StandardLibrary.exampleRequest());
        @SuppressWarnings("unchecked") Map<String, Object> model = (Map<String, Object>) denied.get("model");
        @SuppressWarnings("unchecked") Map<String, Object> fairness = (Map<String, Object>) model.get("fairness_metrics");
        @SuppressWarnings("unchecked") Map<String, Object> deployment = (Map<String, Object>) denied.get("deployment");
        fairness.put("demographic_parity", 0.12);
        model.remove("model_card");
        deployment.put("region", "us-east-1");
        deniedRequest = CelValues.fromJsonObject(denied);

        // Measure real work, not a failure path: the example must be approved without a rule
        // error, and the denied request must be denied by the policies we broke.
        check(evaluator.evaluate(library, approvedRequest, "growth"), Outcome.APPROVED);
        check(evaluator.evaluate(strictTier, approvedRequest, "growth"), Outcome.APPROVED);
        check(evaluator.evaluate(library, deniedRequest, "growth"), Outcome.DENIED);
        check(evaluator.evaluate(libraryOnCelJava, approvedRequest, "growth"), Outcome.APPROVED);
        check(evaluator.evaluate(libraryOnCelJava, deniedRequest, "growth"), Outcome.DENIED);
        Evaluation denial = evaluator.evaluate(library, deniedRequest, "growth");
        Instant at = Instant.parse(NOW);
        deniedDecision = new DecisionResponse("5f0c8a9e-0b7e-4c55-9a57-6d0f4f7f2d11", denial.decision(), "globalcorp-eu", "growth",
                "globalcorp-eu/credit-risk", denial.policyEvaluations(), denial.conditions(), denial.constraints(),
                denial.warnings(), List.of("decision recorded in the audit log as polity.decision.made"),
                denial.bundleRevision(), denial.bundleDigest(), "node-1", at, Duration.ofNanos(31_400), 31,
                at.plus(Duration.ofHours(24)));
        System.out.printf("%ndenied decision: answer %d bytes, audit record %d bytes%n",
                decisionJson.response(deniedDecision, library.policies()).length,
                decisionJson.auditRecord(deniedDecision, library.policies(), RESPONSE_SHA256, REQUEST_DIGEST, "2.1.0").length);
        System.out.printf("%nfull library: %d policies, %d rules; strict tier with all frameworks: %d policies, %d rules%n",
                library.policies().size(), library.policies().stream().mapToInt(p -> p.rules().size()).sum(),
                strictTier.policies().size(), strictTier.policies().stream().mapToInt(p -> p.rules().size()).sum());
        System.out.printf("full library: %d of %d expressions closure-compiled; %d of %d in the cel-java variant%n",
                closureCompiled(library), expressions(library).count(),
                closureCompiled(libraryOnCelJava), expressions(libraryOnCelJava).count());
    }

    @Benchmark
    public Evaluation fullLibrary() {
        return evaluator.evaluate(library, approvedRequest, "growth");
    }

    @Benchmark
    public Evaluation fullLibraryDenied() {
        return evaluator.evaluate(library, deniedRequest, "growth");
    }

    @Benchmark
    public int deniedDecisionJson() {
        return decisionJson.response(deniedDecision, library.policies()).length
                + decisionJson.auditRecord(deniedDecision, library.policies(), RESPONSE_SHA256, REQUEST_DIGEST, "2.1.0").length;
    }

    @Benchmark
    public Evaluation fullLibraryWithConversion() {
        return evaluator.evaluate(library, CelValues.fromJsonObject(rawRequest), "growth");
    }

    @Benchmark
    public Evaluation strictTierSubscription() {
        return evaluator.evaluate(strictTier, approvedRequest, "growth");
    }

    @Benchmark
    public Evaluation fullLibraryCelJava() {
        return evaluator.evaluate(libraryOnCelJava, approvedRequest, "growth");
    }

    @Benchmark
    public Evaluation fullLibraryDeniedCelJava() {
        return evaluator.evaluate(libraryOnCelJava, deniedRequest, "growth");
    }

    /** Every compiled expression of a bundle: match guards, rules, message expressions. */
    private static Stream<CompiledExpression> expressions(CompiledBundle bundle) {
        return bundle.policies().stream().flatMap(policy -> Stream.concat(Stream.of(policy.match()),
                policy.rules().stream().flatMap(rule -> Stream.of(rule.program(), rule.messageProgram()))))
                .filter(Objects::nonNull);
    }

    private static long closureCompiled(CompiledBundle bundle) {
        return expressions(bundle).filter(e -> e.engine() == CompiledExpression.Engine.CLOSURE).count();
    }

    private static dev.polity.contracts.bundle.SignedBundle sign(List<PolicyDocument> policies, KeyPair keys) {
        return Bundles.sign("globalcorp-eu", 1, Instant.parse(NOW), policies, keys.getPrivate(), keys.getPublic());
    }

    /** The decision request as CEL's {@code request}, with what a node adds: the time and the organisation's region. */
    static Map<String, Object> celShape(Map<String, Object> wire) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("model_id", wire.get("model_id"));
        request.put("organization_id", wire.get("organization_id"));
        request.put("organization_region", "eu");
        request.put("team_id", wire.get("team_id"));
        request.put("now", NOW);
        request.put("model", wire.get("model_metadata"));
        request.put("deployment", wire.get("deployment_context"));
        request.put("requested_permissions", wire.get("requested_permissions"));
        return request;
    }

    private static void check(Evaluation evaluation, Outcome expected) {
        if (evaluation.decision() != expected) {
            throw new IllegalStateException("expected " + expected + " but got " + evaluation.decision() + ": "
                    + evaluation.policyEvaluations().stream().filter(p -> p.decision() == Outcome.DENIED)
                    .map(p -> p.policyId() + ": " + p.reason()).toList());
        }
        for (PolicyEvaluation policy : evaluation.policyEvaluations()) {
            policy.rules().stream().filter(r -> r.error() != null).findFirst().ifPresent(r -> {
                throw new IllegalStateException(policy.policyId() + "/" + r.name() + " could not be evaluated: " + r.error());
            });
        }
    }
}
