package dev.polity.policy.decision.service;

import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.policy.bundle.ActiveBundle;
import dev.polity.policy.bundle.BundleActivator;
import dev.polity.policy.config.NodeConfig;
import dev.polity.policy.decision.rest.DecisionRequest;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.contracts.bundle.BundleVerificationException;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.policy.engine.BundleCompiler;
import dev.polity.policy.engine.CelValues;
import dev.polity.policy.engine.CompiledPolicy;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.policy.engine.Evaluation;
import dev.polity.policy.engine.PolicyEvaluator;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decides governance requests with the active bundle and records every decision in the audit
 * log. A decision is only returned once Kafka has acknowledged its audit event (acks=all), so no
 * decision exists that the audit log does not know about.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);

    private final NodeConfig config;
    private final ActiveBundle activeBundle;
    private final PolicyEvaluator evaluator;
    private final BundleCompiler compiler;
    private final BundleActivator activator;
    private final DecisionAuditLog auditLog;
    private final DecisionCounters counters;
    private final DecisionJsonWriter decisionJson;
    private final Timer evaluationTimer;

    public DecisionService(NodeConfig config, ActiveBundle activeBundle, PolicyEvaluator evaluator, BundleCompiler compiler,
                           BundleActivator activator,
                           DecisionAuditLog auditLog, DecisionCounters counters, DecisionJsonWriter decisionJson,
                           MeterRegistry meters) {
        this.config = config;
        this.activeBundle = activeBundle;
        this.evaluator = evaluator;
        this.compiler = compiler;
        this.activator = activator;
        this.auditLog = auditLog;
        this.counters = counters;
        this.decisionJson = decisionJson;
        this.evaluationTimer = Timer.builder("polity_node_evaluation_seconds")
                .description("Time to evaluate one request against the active bundle")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    /**
     * Decides and records a request.
     *
     * @return the decision and its JSON, serialised once; the audit record commits to these exact bytes
     */
    public Uni<RecordedDecision> decide(DecisionRequest request, String actor) {
        validate(request);
        CompiledBundle bundle = activeBundle.get()
                .orElseThrow(() -> ProblemException.unavailable("this node has no verified policy bundle yet; it cannot decide"));

        Map<String, Object> variables = celRequest(request);

        Instant evaluatedAt = Instant.now();
        long started = System.nanoTime();
        Evaluation evaluation = evaluator.evaluate(bundle, variables, request.teamId());
        long elapsedNanos = System.nanoTime() - started;
        evaluationTimer.record(Duration.ofNanos(elapsedNanos));
        counters.count(evaluation.decision());

        DecisionResponse response = new DecisionResponse(
                UUID.randomUUID().toString(), evaluation.decision(), request.organizationId(), request.teamId(),
                request.modelId(), evaluation.policyEvaluations(), evaluation.conditions(), evaluation.constraints(),
                evaluation.warnings(), List.of("decision recorded in the audit log as " + EventTypes.DECISION_MADE),
                evaluation.bundleRevision(), evaluation.bundleDigest(), config.effectiveNodeId(), evaluatedAt,
                Duration.ofNanos(elapsedNanos), elapsedNanos / 1_000, evaluatedAt.plus(config.decisionTtl()));
        RecordedDecision recorded = new RecordedDecision(response, decisionJson.response(response, bundle.policies()));
        return audit(request, recorded, bundle, actor).replaceWith(recorded);
    }

    /** A decision and the JSON the caller receives. */
    public record RecordedDecision(DecisionResponse response, byte[] json) {
    }

    /**
     * The audit record carries the decision and a digest of the request, not the request itself:
     * model metadata may describe personal data, and the digest is enough to prove which input
     * was decided. It carries the SHA-256 of the answer's bytes, so the caller's copy can be shown
     * to be the one recorded, and leaves out the passing rules, which the bundle revision fixes
     * ({@link DecisionJsonWriter#auditRecord}).
     */
    private Uni<Void> audit(DecisionRequest request, RecordedDecision decision, CompiledBundle bundle, String actor) {
        DecisionResponse response = decision.response();
        Object modelVersion = request.modelMetadata().get("version");
        byte[] payload = decisionJson.auditRecord(response, bundle.policies(), Hashes.sha256Hex(decision.json()),
                requestDigest(request),
                modelVersion == null ? null : modelVersion.toString());
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put(CloudEvent.EXTENSION_ORGANIZATION, request.organizationId());
        extensions.put(CloudEvent.EXTENSION_ACTOR, actor);
        CloudEvent event = new CloudEvent(response.decisionId(), activator.source(), EventTypes.DECISION_MADE,
                "model/" + request.modelId(), response.evaluatedAt(), "application/json", extensions, payload);
        return auditLog.record(event)
                .onFailure().transform(failure -> {
                    LOG.errorf("decision %s could not be audited: %s", response.decisionId(), failure.getMessage());
                    return ProblemException.unavailable("the decision could not be recorded in the audit log; retry later");
                });
    }

    /**
     * SHA-256 of the request's canonical JSON (RFC 8785), as the application's mapper writes the request
     * (snake_case names, nulls kept): the same bytes as canonicalising {@code json.valueToTree(request)},
     * without building the tree ({@code RequestDigestTest} compares the two).
     */
    static String requestDigest(DecisionRequest request) {
        Map<String, Object> fields = new LinkedHashMap<>(8);
        fields.put("model_id", request.modelId());
        fields.put("organization_id", request.organizationId());
        fields.put("team_id", request.teamId());
        fields.put("model_metadata", request.modelMetadata());
        fields.put("deployment_context", request.deploymentContext());
        fields.put("requested_permissions", request.requestedPermissions());
        return Hashes.sha256Hex(CanonicalJson.canonicalizePlain(fields));
    }

    /**
     * Evaluates a request against draft policies without activating them and without recording a
     * decision: for policy authors asking "what would this change do?". Drafts replace the active
     * bundle's policies of the same id and add the others; with {@code draftsOnly} the active
     * bundle is ignored.
     */
    public DecisionResponse dryRun(DecisionRequest request, List<PolicyDocument> drafts, boolean draftsOnly) {
        validate(request);
        CompiledBundle active = activeBundle.get().orElse(null);
        Map<String, CompiledPolicy> policies = new LinkedHashMap<>();
        if (!draftsOnly && active != null) {
            active.policies().forEach(policy -> policies.put(policy.document().id(), policy));
        }
        for (int i = 0; i < drafts.size(); i++) {
            try {
                policies.put(drafts.get(i).id(), compiler.compile(drafts.get(i)));
            } catch (BundleVerificationException e) {
                throw new ProblemException(422, "policy-does-not-compile", "Policy does not compile", e.getMessage(),
                        List.of(new FieldError("policies[" + i + "]", e.getMessage())));
            }
        }
        SignedBundle draftBundle = active != null ? active.bundle() : null;
        CompiledBundle bundle = new CompiledBundle(draftBundle, List.copyOf(policies.values()), Instant.now());
        Instant evaluatedAt = Instant.now();
        long started = System.nanoTime();
        Evaluation evaluation = evaluator.evaluate(bundle, celRequest(request), request.teamId());
        long elapsedNanos = System.nanoTime() - started;
        return new DecisionResponse("dry-run-" + UUID.randomUUID(), evaluation.decision(), request.organizationId(),
                request.teamId(), request.modelId(), evaluation.policyEvaluations(), evaluation.conditions(),
                evaluation.constraints(), evaluation.warnings(), List.of("dry run: not recorded, not binding"),
                evaluation.bundleRevision(), evaluation.bundleDigest(), config.effectiveNodeId(), evaluatedAt,
                Duration.ofNanos(elapsedNanos), elapsedNanos / 1_000, evaluatedAt);
    }

    /**
     * The CEL {@code request} variable: the metadata as {@code model}, the context as
     * {@code deployment}, plus what the node knows and the caller must not choose: the evaluation
     * time ({@code now}, RFC 3339, for freshness and soak-time rules) and the organisation's region
     * ({@code organization_region}, for residency rules).
     */
    private Map<String, Object> celRequest(DecisionRequest request) {
        Map<String, Object> celRequest = new LinkedHashMap<>();
        celRequest.put("now", Instant.now().toString());
        celRequest.put("organization_region", config.region());
        celRequest.put("model_id", request.modelId());
        celRequest.put("organization_id", request.organizationId());
        if (request.teamId() != null) {
            celRequest.put("team_id", request.teamId());
        }
        celRequest.put("model", request.modelMetadata());
        celRequest.put("deployment", request.deploymentContext() == null ? Map.of() : request.deploymentContext());
        celRequest.put("requested_permissions", request.requestedPermissions() == null ? List.of() : request.requestedPermissions());
        return CelValues.fromJsonObject(celRequest);
    }

    private void validate(DecisionRequest request) {
        List<FieldError> errors = new ArrayList<>();
        if (request == null) {
            throw ProblemException.invalidField("body", "a governance request is required");
        }
        if (request.modelId() == null || request.modelId().isBlank()) {
            errors.add(new FieldError("model_id", "is required"));
        }
        if (request.organizationId() == null || request.organizationId().isBlank()) {
            errors.add(new FieldError("organization_id", "is required"));
        }
        if (request.modelMetadata() == null) {
            errors.add(new FieldError("model_metadata", "is required"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        if (!config.organizationId().equals(request.organizationId())) {
            throw ProblemException.forbidden("this node decides for organization '" + config.organizationId()
                    + "', not '" + request.organizationId() + "'");
        }
    }
}
