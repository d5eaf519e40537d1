package dev.polity.policy.decision.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.policy.bundle.ActiveBundle;
import dev.polity.policy.bundle.BundleActivator;
import dev.polity.policy.bundle.NodeChannels;
import dev.polity.policy.config.NodeConfig;
import dev.polity.policy.decision.rest.DecisionRequest;
import dev.polity.policy.decision.rest.DecisionResponse;
import dev.polity.policy.engine.CelValues;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.policy.engine.Evaluation;
import dev.polity.policy.engine.PolicyEvaluator;
import dev.polity.support.events.CloudEventMessages;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.MutinyEmitter;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
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
@ApplicationScoped
public class DecisionService {

    private static final Logger LOG = Logger.getLogger(DecisionService.class);

    private final NodeConfig config;
    private final ActiveBundle activeBundle;
    private final PolicyEvaluator evaluator;
    private final BundleActivator activator;
    private final MutinyEmitter<byte[]> auditEmitter;
    private final ObjectMapper json;
    private final Timer evaluationTimer;
    private final MeterRegistry meters;

    public DecisionService(NodeConfig config, ActiveBundle activeBundle, PolicyEvaluator evaluator, BundleActivator activator,
                           @Channel(NodeChannels.AUDIT_EVENTS) MutinyEmitter<byte[]> auditEmitter,
                           ObjectMapper json, MeterRegistry meters) {
        this.config = config;
        this.activeBundle = activeBundle;
        this.evaluator = evaluator;
        this.activator = activator;
        this.auditEmitter = auditEmitter;
        this.json = json;
        this.meters = meters;
        this.evaluationTimer = Timer.builder("polity_node_evaluation_seconds")
                .description("Time to evaluate one request against the active bundle")
                .publishPercentiles(0.5, 0.99)
                .register(meters);
    }

    public Uni<DecisionResponse> decide(DecisionRequest request) {
        validate(request);
        CompiledBundle bundle = activeBundle.get()
                .orElseThrow(() -> ProblemException.unavailable("this node has no verified policy bundle yet; it cannot decide"));

        Map<String, Object> celRequest = new LinkedHashMap<>();
        celRequest.put("model_id", request.modelId());
        celRequest.put("organization_id", request.organizationId());
        if (request.teamId() != null) {
            celRequest.put("team_id", request.teamId());
        }
        celRequest.put("model", request.modelMetadata());
        celRequest.put("deployment", request.deploymentContext() == null ? Map.of() : request.deploymentContext());
        celRequest.put("requested_permissions", request.requestedPermissions() == null ? List.of() : request.requestedPermissions());
        Map<String, Object> variables = CelValues.fromJsonObject(celRequest);

        Instant evaluatedAt = Instant.now();
        long started = System.nanoTime();
        Evaluation evaluation = evaluator.evaluate(bundle, variables, request.teamId());
        long elapsedNanos = System.nanoTime() - started;
        evaluationTimer.record(Duration.ofNanos(elapsedNanos));
        meters.counter("polity_node_decisions_total", "decision", evaluation.decision().wireName()).increment();

        DecisionResponse response = new DecisionResponse(
                UUID.randomUUID().toString(), evaluation.decision(), request.organizationId(), request.teamId(),
                request.modelId(), evaluation.policyEvaluations(), evaluation.conditions(), evaluation.constraints(),
                evaluation.warnings(), List.of("decision recorded in the audit log as " + EventTypes.DECISION_MADE),
                evaluation.bundleRevision(), evaluation.bundleDigest(), config.effectiveNodeId(), evaluatedAt,
                Duration.ofNanos(elapsedNanos), elapsedNanos / 1_000, evaluatedAt.plus(config.decisionTtl()));
        return audit(request, response).replaceWith(response);
    }

    private Uni<Void> audit(DecisionRequest request, DecisionResponse response) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("decision", response);
        data.put("request", request);
        byte[] payload;
        try {
            payload = json.writeValueAsBytes(data);
        } catch (JsonProcessingException e) {
            return Uni.createFrom().failure(e);
        }
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put(CloudEvent.EXTENSION_ORGANIZATION, request.organizationId());
        Object createdBy = request.modelMetadata().get("created_by");
        if (createdBy instanceof String actor && !actor.isBlank()) {
            extensions.put(CloudEvent.EXTENSION_ACTOR, actor);
        }
        CloudEvent event = new CloudEvent(response.decisionId(), activator.source(), EventTypes.DECISION_MADE,
                "model/" + request.modelId(), response.evaluatedAt(), "application/json", extensions, payload);
        return auditEmitter.sendMessage(CloudEventMessages.toKafkaMessage(event))
                .onFailure().transform(failure -> {
                    LOG.errorf("decision %s could not be audited: %s", response.decisionId(), failure.getMessage());
                    return ProblemException.unavailable("the decision could not be recorded in the audit log; retry later");
                });
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
