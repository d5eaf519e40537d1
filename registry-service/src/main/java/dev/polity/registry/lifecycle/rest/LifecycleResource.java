package dev.polity.registry.lifecycle.rest;

import dev.polity.registry.lifecycle.service.LifecycleService;
import dev.polity.registry.lifecycle.service.SignOffRequest;
import dev.polity.registry.lifecycle.service.TransitionList;
import dev.polity.registry.lifecycle.service.TransitionRequest;
import dev.polity.registry.lifecycle.service.TransitionView;
import dev.polity.registry.lifecycle.service.VersionHistory;
import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.outbox.OutboxRelay;
import dev.polity.registry.security.Actor;
import dev.polity.registry.security.CallerAccess;
import dev.polity.registry.security.Roles;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.vertx.pgclient.PgException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.hibernate.exception.ConstraintViolationException;
import org.jboss.resteasy.reactive.RestPath;

import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Lifecycle of a version: transitions with their approval workflow, sign-offs, history.
 * {@code /api/v1/models/{org}/{name}/versions/{version}/...}.
 */
@Path("/api/v1/models/{org}/{name}/versions/{version}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Lifecycle", description = "Transitions, approval workflows by risk level, sign-offs and history")
public class LifecycleResource {

    private final LifecycleService service;
    private final OutboxRelay relay;
    private final CallerAccess caller;

    LifecycleResource(LifecycleService service, OutboxRelay relay, CallerAccess caller) {
        this.service = service;
        this.relay = relay;
        this.caller = caller;
    }

    @POST
    @Path("/transitions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER})
    @Operation(summary = "Move a version to another status",
            description = "Targets: staging (data_scientist, ml_engineer), production, deprecated, retired (ml_engineer). "
                    + "Asks the organisation's policy node for a decision for the target environment with the caller's token. "
                    + "LOW risk moves at once; MEDIUM needs a security review, HIGH also a compliance check, CRITICAL also a "
                    + "stakeholder review. Bringing a deprecated version back to production is a rollback.")
    @APIResponse(responseCode = "201", description = "Approved (or conditional) and moved",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransitionView.class)))
    @APIResponse(responseCode = "202", description = "Approved by the policy node, waiting for sign-offs",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransitionView.class)))
    @APIResponse(responseCode = "400", description = "Invalid target or reason",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not the caller's organisation, or a role that may not move to the target",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The version cannot move there from its status, or a transition is pending",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Denied by policy; errors name each failed policy rule",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The organisation's policy node is not configured or does not answer",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> transition(@RestPath String org, @RestPath String name, @RestPath String version,
                                    TransitionRequest request, UriInfo uri) {
        ModelVersionRules.requireVersionPath(org, name, version);
        Actor actor = caller.actorOf(org);
        return service.request(actor, org, name, version, request)
                .onFailure(LifecycleResource::isUniqueViolation)
                .transform(failure -> ProblemException.conflict("version " + version + " already has a transition waiting for sign-offs"))
                .invoke(relay::relaySoon)
                .map(view -> {
                    if ("denied".equals(view.state())) {
                        throw denied(view);
                    }
                    URI location = uri.getBaseUriBuilder()
                            .path("api/v1/models/{org}/{name}/versions/{version}/transitions/{id}")
                            .build(org, name, version, view.id());
                    int status = "completed".equals(view.state()) ? 201 : 202;
                    return Response.status(status).location(location).entity(view).build();
                });
    }

    @GET
    @Path("/transitions")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "List the transitions of a version", description = "Newest first, with sign-offs and decisions.")
    @APIResponse(responseCode = "200", description = "The transitions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransitionList.class)))
    @APIResponse(responseCode = "404", description = "No such version, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TransitionList> transitions(@RestPath String org, @RestPath String name, @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return service.list(caller.actor(), org, name, version);
    }

    @GET
    @Path("/transitions/{id}")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "Get a transition")
    @APIResponse(responseCode = "200", description = "The transition",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransitionView.class)))
    @APIResponse(responseCode = "404", description = "No such transition",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TransitionView> getTransition(@RestPath String org, @RestPath String name, @RestPath String version,
                                             @RestPath String id) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return service.get(caller.actor(), org, name, version, transitionId(id));
    }

    @POST
    @Path("/transitions/{id}/sign-offs")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.SECURITY_REVIEWER, Roles.COMPLIANCE_OFFICER, Roles.STAKEHOLDER})
    @Operation(summary = "Sign a transition off, or reject it",
            description = "security_review by a security_reviewer, compliance_check by a compliance_officer, stakeholder_review "
                    + "by a stakeholder, of the model's organisation; never by the requester, one review per person. The last "
                    + "required sign-off moves the version.")
    @APIResponse(responseCode = "200", description = "The transition after the sign-off",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = TransitionView.class)))
    @APIResponse(responseCode = "400", description = "Unknown or unneeded review, missing comment on a rejection",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Another organisation, the requester, or a role that does not match the review",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The transition is not pending, or the review is already signed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<TransitionView> signOff(@RestPath String org, @RestPath String name, @RestPath String version,
                                       @RestPath String id, SignOffRequest request) {
        ModelVersionRules.requireVersionPath(org, name, version);
        UUID transitionId = transitionId(id);
        Actor actor = caller.actorOf(org);
        return service.signOff(actor, org, name, version, transitionId, request)
                .onFailure(LifecycleResource::isUniqueViolation)
                .transform(failure -> ProblemException.conflict("this review of transition " + id + " is already signed"))
                .invoke(relay::relaySoon);
    }

    @GET
    @Path("/history")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "The history of a version", description = "Every status move, oldest first; append-only.")
    @APIResponse(responseCode = "200", description = "The history",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionHistory.class)))
    @APIResponse(responseCode = "404", description = "No such version, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VersionHistory> history(@RestPath String org, @RestPath String name, @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return service.history(caller.actor(), org, name, version);
    }

    private static UUID transitionId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("id", "must be a transition id (a UUID)");
        }
    }

    private static ProblemException denied(TransitionView view) {
        TransitionView.DecisionSummary decision = view.decision();
        List<Map<String, Object>> reasons = decision.reasons() == null ? List.of() : decision.reasons();
        List<FieldError> errors = reasons.stream().map(reason -> new FieldError(
                "policy_evaluations." + reason.get("policy_id") + (reason.get("rule") == null ? "" : "." + reason.get("rule")),
                String.valueOf(reason.get("message")) + (reason.get("remedy") == null ? "" : " (remedy: " + reason.get("remedy") + ")")))
                .toList();
        String messages = reasons.stream().map(reason -> String.valueOf(reason.get("message"))).distinct()
                .reduce((a, b) -> a + "; " + b).orElse("no reason given");
        return new ProblemException(422, "transition-denied", "Transition denied by policy",
                "the policy node denied moving version " + view.version() + " to " + view.toStatus() + " (decision "
                        + decision.decisionId() + ", bundle revision " + decision.bundleRevision() + ", transition " + view.id()
                        + "): " + messages, errors);
    }

    private static boolean isUniqueViolation(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                return true;
            }
            if (t instanceof ConstraintViolationException cve && "23505".equals(cve.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
