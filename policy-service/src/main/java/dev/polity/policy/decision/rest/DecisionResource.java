package dev.polity.policy.decision.rest;

import dev.polity.policy.decision.service.DecisionService;
import dev.polity.support.problem.Problem;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/decisions")
@Tag(name = "decisions", description = "Governance decisions: may this model version be registered, promoted, shared or deployed?")
@Consumes(MediaType.APPLICATION_JSON)
@Produces(MediaType.APPLICATION_JSON)
public class DecisionResource {

    private final DecisionService decisions;

    public DecisionResource(DecisionService decisions) {
        this.decisions = decisions;
    }

    @POST
    @Operation(summary = "Decide a governance request",
            description = "Evaluates the request against every policy of the active bundle and answers approved, "
                    + "conditional (with conditions and constraints) or denied, policy by policy and rule by rule. "
                    + "The decision is recorded in the audit log before it is returned.")
    @APIResponse(responseCode = "200", description = "The decision",
            content = @Content(schema = @Schema(implementation = DecisionResponse.class)))
    @APIResponse(responseCode = "400", description = "A required field is missing or malformed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The request is for another organisation than this node's",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "No verified bundle yet, or the audit log cannot be reached",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<DecisionResponse> decide(DecisionRequest request) {
        return decisions.decide(request);
    }
}
