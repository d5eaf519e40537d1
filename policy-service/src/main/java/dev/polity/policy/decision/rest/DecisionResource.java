package dev.polity.policy.decision.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.policy.InvalidPolicyException;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.PolicyViolation;
import dev.polity.policy.config.NodeConfig;
import dev.polity.policy.decision.service.DecisionService;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

@Path("/api/v1/decisions")
@Authenticated
@Tag(name = "decisions", description = "Governance decisions: may this model version be registered, promoted, shared or deployed?")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's role or organisation does not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class DecisionResource {

    private final DecisionService decisions;
    private final Caller caller;
    private final NodeConfig config;

    public DecisionResource(DecisionService decisions, Caller caller, NodeConfig config) {
        this.decisions = decisions;
        this.caller = caller;
        this.config = config;
    }

    @POST
    @RolesAllowed({"data_scientist", "ml_engineer"})
    @Operation(summary = "Decide a governance request",
            description = "Evaluates the request against every policy of the active bundle and answers approved, "
                    + "conditional (with conditions and constraints) or denied, policy by policy and rule by rule. "
                    + "The decision is recorded in the audit log (or the node's durable spool) before it is returned.")
    @APIResponse(responseCode = "200", description = "The decision",
            content = @Content(schema = @Schema(implementation = DecisionResponse.class)))
    @APIResponse(responseCode = "400", description = "A required field is missing or malformed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No verified bundle yet",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> decide(DecisionRequest request) {
        requireOwnOrganization();
        // The JSON was written once for the audit record too; relay those bytes rather than serialise again.
        return decisions.decide(request, caller.subject())
                .map(decision -> Response.ok(decision.json(), MediaType.APPLICATION_JSON_TYPE).build());
    }

    @POST
    @Path("/dry-run")
    @RolesAllowed({"policy_author", "policy_approver"})
    @Operation(summary = "Evaluate a request against draft policies without activating or recording anything",
            description = "Drafts replace the active bundle's policies of the same id and add the others; "
                    + "with drafts_only the active bundle is ignored.")
    @APIResponse(responseCode = "200", description = "What the decision would be",
            content = @Content(schema = @Schema(implementation = DecisionResponse.class)))
    @APIResponse(responseCode = "400", description = "A draft policy or the request is invalid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "A draft policy's rule does not compile",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public DecisionResponse dryRun(DryRunRequest dryRun) {
        requireOwnOrganization();
        if (dryRun == null || dryRun.request() == null) {
            throw ProblemException.invalidField("request", "is required");
        }
        List<PolicyDocument> drafts = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        List<JsonNode> policies = dryRun.policies() == null ? List.of() : dryRun.policies();
        for (int i = 0; i < policies.size(); i++) {
            try {
                drafts.add(PolicyDocuments.parseJson(policies.get(i).toString()));
            } catch (InvalidPolicyException e) {
                for (PolicyViolation violation : e.violations()) {
                    errors.add(new FieldError("policies[" + i + "]." + violation.field(), violation.problem()));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return decisions.dryRun(dryRun.request(), drafts, Boolean.TRUE.equals(dryRun.draftsOnly()));
    }

    /** A node decides for one organisation; tokens of other organisations are refused here too, not only at the gateway. */
    private void requireOwnOrganization() {
        if (!config.organizationId().equals(caller.organization())) {
            throw ProblemException.forbidden("this node decides for organization '" + config.organizationId()
                    + "'; the token acts for '" + caller.organization() + "'");
        }
    }
}
