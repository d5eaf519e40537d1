package dev.polity.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.routing.Forwarder;
import dev.polity.gateway.routing.ServiceAnswer;
import dev.polity.gateway.security.PermissionTable;
import dev.polity.gateway.security.Roles;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The pipeline call: the whole flow a CI/CD job needs in one request. Register the model version in the
 * registry if it is new (an existing one is used as registered, so the decision always judges the stored,
 * immutable facts), ask the caller's organisation's policy node for a decision for the target
 * environment, and answer so that a pipeline can fail on the status code alone: approved 200, conditional
 * 200 with the conditions and constraints it must honour, denied 403 with the reasons. Every answer says
 * where the decision is in the audit log.
 */
@Path("/api/v1/pipelines")
@Authenticated
@Tag(name = "pipelines", description = "One call for CI/CD: register if new, decide, answer")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class PipelineResource {

    public static final Set<String> ENVIRONMENTS = Set.of("development", "staging", "production");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
    private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}");
    /** Facts of a registered version the policies see as {@code request.model.*}; the registry's names. */
    private static final List<String> VERSION_FACTS = List.of("version", "framework", "model_type", "description", "training_data",
            "fairness_metrics", "performance_metrics", "model_card", "lineage", "artifact_sha256", "created_by", "status");

    private final Forwarder forwarder;
    private final GatewayConfig config;
    private final Caller caller;
    private final PermissionTable permissions;
    private final ObjectMapper json;

    public PipelineResource(Forwarder forwarder, GatewayConfig config, Caller caller, PermissionTable permissions, ObjectMapper json) {
        this.forwarder = forwarder;
        this.config = config;
        this.caller = caller;
        this.permissions = permissions;
        this.json = json;
    }

    @POST
    @Path("/deployments")
    @Operation(summary = "Register a model version if new and get the deployment decision for an environment",
            description = "Roles: ml_engineer for any environment, data_scientist for development and staging. The version is "
                    + "registered in the caller's organisation (a version already registered is used as stored); the caller's "
                    + "policy node decides; the answer carries the decision id, conditions, constraints and the audit log query "
                    + "that shows it. Approved and conditional: 200. Denied: 403 problem with the reasons.")
    @APIResponse(responseCode = "200", description = "Approved, or conditional: deploy honouring conditions and constraints",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = DeploymentAnswer.class)))
    @APIResponse(responseCode = "403", description = "Denied by policy (type urn:polity:problem:deployment-denied, with reasons), "
            + "or the caller may not deploy to this environment",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = DeploymentAnswer.class)))
    @APIResponse(responseCode = "400", description = "A field is missing or malformed (also the registry's validation)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The registry or the policy node is unavailable; nothing was decided",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> deploy(DeploymentRequest request, @Context HttpHeaders headers) {
        permissions.authorize("POST", "/api/v1/pipelines/deployments", caller);
        validate(request);
        if (request.environment().equals("production") && !caller.hasRole(Roles.ML_ENGINEER)) {
            throw new ProblemException(403, "role-missing", "Forbidden", "deploying to production needs the ml_engineer role", List.of());
        }
        String organization = caller.organization();
        forwarder.policyNodeUrl(organization); // 503 before anything is registered when the organisation has no node
        String versionName = request.version().get("version").asText();
        String versionsPath = "/api/v1/models/" + organization + "/" + request.model() + "/versions";
        Map<String, String> forwarded = forwardedHeaders(headers);
        return forwarder.call("registry-service", config.registryUrl(), "POST", versionsPath, forwarded, writeJson(request.version()))
                .chain(registration -> {
                    if (registration.status() == 201) {
                        return Uni.createFrom().item(new Registered(true, readJson(registration.body())));
                    }
                    if (registration.status() != 409) {
                        throw new Relayed(registration);
                    }
                    return forwarder.call("registry-service", config.registryUrl(), "GET", versionsPath + "/" + versionName, forwarded, null)
                            .map(stored -> {
                                if (stored.status() != 200) {
                                    throw new Relayed(stored);
                                }
                                return new Registered(false, readJson(stored.body()));
                            });
                })
                .chain(registered -> {
                    ObjectNode decisionRequest = decisionRequest(organization, request, registered.version());
                    return forwarder.callPolicyNode(organization, "POST", "/api/v1/decisions", forwarded, writeJson(decisionRequest))
                            .map(decided -> {
                                if (decided.status() != 200) {
                                    throw new Relayed(decided);
                                }
                                return answer(organization, request, versionName, registered.created(), readJson(decided.body()));
                            });
                })
                .onFailure(Relayed.class).recoverWithItem(failure -> relay(((Relayed) failure).answer()));
    }

    private ObjectNode decisionRequest(String organization, DeploymentRequest request, JsonNode stored) {
        ObjectNode metadata = json.createObjectNode();
        metadata.put("name", request.model());
        for (String fact : VERSION_FACTS) {
            JsonNode value = stored.get(fact);
            if (value != null && !value.isNull()) {
                metadata.set(fact, value);
            }
        }
        JsonNode risk = stored.path("risk");
        if (risk.hasNonNull("level")) {
            metadata.set("risk_level", risk.get("level"));
        }
        if (risk.hasNonNull("score")) {
            metadata.set("risk_score", risk.get("score"));
        }
        if (request.modelMetadata() != null) {
            // The pipeline may add facts the registry does not keep; what the registry keeps is what counts.
            request.modelMetadata().forEach((key, value) -> {
                if (!metadata.has(key)) {
                    metadata.set(key, json.valueToTree(value));
                }
            });
        }
        ObjectNode context = json.createObjectNode();
        if (request.deploymentContext() != null) {
            request.deploymentContext().forEach((key, value) -> context.set(key, json.valueToTree(value)));
        }
        context.put("environment", request.environment());
        ObjectNode decision = json.createObjectNode();
        decision.put("model_id", organization + "/" + request.model());
        decision.put("organization_id", organization);
        if (caller.team() != null) {
            decision.put("team_id", caller.team());
        }
        decision.set("model_metadata", metadata);
        decision.set("deployment_context", context);
        decision.set("requested_permissions", json.createArrayNode().add("model:deploy:" + request.environment()));
        return decision;
    }

    private Response answer(String organization, DeploymentRequest request, String version, boolean registered, JsonNode decision) {
        String outcome = decision.path("decision").asText();
        String modelId = organization + "/" + request.model();
        DeploymentAnswer answer = new DeploymentAnswer(
                outcome,
                !outcome.equals("denied"),
                modelId,
                version,
                request.environment(),
                registered,
                decision.path("decision_id").asText(null),
                decision.path("bundle_revision").isNumber() ? decision.get("bundle_revision").asLong() : null,
                decision.path("expires_at").asText(null),
                strings(decision.path("conditions")),
                decision.path("constraints").isObject() ? json.convertValue(decision.get("constraints"), Map.class) : Map.of(),
                strings(decision.path("warnings")),
                reasons(decision),
                new DeploymentAnswer.AuditLinks(
                        "/api/v1/audit/events?type=polity.decision.made&subject=" + encode("model/" + modelId),
                        "/api/v1/audit/events?subject=" + encode("model/" + modelId)),
                decision);
        if (outcome.equals("approved") || outcome.equals("conditional")) {
            return Response.ok(answer).type(MediaType.APPLICATION_JSON).build();
        }
        // Denied (or anything the gateway does not know as a go): a problem, so the pipeline fails on the status.
        ObjectNode problem = json.createObjectNode();
        problem.put("type", "urn:polity:problem:deployment-denied");
        problem.put("title", "Deployment denied");
        problem.put("status", 403);
        List<String> messages = answer.reasons().stream().map(DeploymentAnswer.Reason::message).toList();
        problem.put("detail", modelId + " " + version + " may not go to " + request.environment()
                + (messages.isEmpty() ? " (decision " + outcome + ")" : ": " + String.join("; ", messages)));
        problem.put("instance", "/api/v1/pipelines/deployments");
        ObjectNode body = json.valueToTree(answer);
        problem.setAll(body);
        return Response.status(403).type(Problem.MEDIA_TYPE).entity(writeJson(problem)).build();
    }

    /** The failed rules of blocking policies (and of denied ones without rules, their reason). */
    private static List<DeploymentAnswer.Reason> reasons(JsonNode decision) {
        List<DeploymentAnswer.Reason> reasons = new ArrayList<>();
        for (JsonNode policy : decision.path("policy_evaluations")) {
            String policyOutcome = policy.path("decision").asText();
            if (!policyOutcome.equals("denied") && !policyOutcome.equals("conditional")) {
                continue;
            }
            boolean anyRule = false;
            for (JsonNode rule : policy.path("rules")) {
                if (!rule.path("passed").asBoolean(true)) {
                    anyRule = true;
                    reasons.add(new DeploymentAnswer.Reason(policy.path("policy_id").asText(null), policyOutcome,
                            rule.path("name").asText(null), rule.path("message").asText(null), rule.path("remedy").asText(null)));
                }
            }
            if (!anyRule && policy.hasNonNull("reason")) {
                reasons.add(new DeploymentAnswer.Reason(policy.path("policy_id").asText(null), policyOutcome, null,
                        policy.get("reason").asText(), null));
            }
        }
        return reasons;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        if (array instanceof ArrayNode items) {
            items.forEach(item -> values.add(item.asText()));
        }
        return values;
    }

    private static void validate(DeploymentRequest request) {
        if (request == null) {
            throw ProblemException.invalidField("body", "is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.model() == null || !NAME.matcher(request.model()).matches()) {
            errors.add(new FieldError("model", "is required: the model's name, letters, digits, '.', '_' or '-', at most 128"));
        }
        if (request.environment() == null || !ENVIRONMENTS.contains(request.environment())) {
            errors.add(new FieldError("environment", "must be one of development, staging, production"));
        }
        if (request.version() == null || !request.version().isObject()) {
            errors.add(new FieldError("version", "is required: the version's registration (version, artifact_uri, ...)"));
        } else if (!request.version().path("version").isTextual() || !VERSION.matcher(request.version().get("version").asText()).matches()) {
            errors.add(new FieldError("version.version", "is required, e.g. 1.4.0"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
    }

    private static Map<String, String> forwardedHeaders(HttpHeaders headers) {
        Map<String, String> forwarded = new HashMap<>();
        forwarded.put("Content-Type", MediaType.APPLICATION_JSON);
        forwarded.put("Accept", MediaType.APPLICATION_JSON);
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            forwarded.put("Authorization", authorization);
        }
        String requestId = headers.getHeaderString("X-Request-Id");
        if (requestId != null) {
            forwarded.put("X-Request-Id", requestId);
        }
        return forwarded;
    }

    /** A service's own 4xx answer (validation, a foreign model, ...) goes back to the pipeline as it is. */
    private static Response relay(ServiceAnswer answer) {
        Response.ResponseBuilder builder = Response.status(answer.status());
        String type = answer.header("Content-Type");
        if (type != null) {
            builder.type(type);
        }
        return answer.body().length == 0 ? builder.build() : builder.entity(answer.body()).build();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private JsonNode readJson(byte[] body) {
        try {
            return json.readTree(body);
        } catch (IOException e) {
            throw ProblemException.unavailable("a service answered with unreadable JSON");
        }
    }

    private byte[] writeJson(Object value) {
        try {
            return json.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private record Registered(boolean created, JsonNode version) {
    }

    /** Ends the flow with a service's answer. */
    private static final class Relayed extends RuntimeException {

        private final transient ServiceAnswer answer;

        Relayed(ServiceAnswer answer) {
            super("relayed " + answer.status(), null, false, false);
            this.answer = answer;
        }

        ServiceAnswer answer() {
            return answer;
        }
    }
}
