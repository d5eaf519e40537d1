package dev.polity.sync.authoring.rest;

import dev.polity.support.problem.Problem;
import dev.polity.support.security.Caller;
import dev.polity.sync.authoring.service.PolicyChange;
import dev.polity.sync.common.Actor;
import dev.polity.sync.config.Roles;
import dev.polity.sync.distribution.service.PublicationWorker;
import dev.polity.sync.policy.service.PolicyService;
import dev.polity.sync.policy.service.StoredPolicy;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.UUID;

@Path("/api/v1/policy-changes")
@Authenticated
@Tag(name = "Policy changes", description = "Global and regional policy changes waiting for a second person's approval")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyChangeResource {

    private final PolicyService policies;
    private final Caller caller;
    private final PublicationWorker worker;

    public PolicyChangeResource(PolicyService policies, Caller caller, PublicationWorker worker) {
        this.policies = policies;
        this.caller = caller;
        this.worker = worker;
    }

    /** Body of approve and reject. */
    @Schema(name = "ChangeDecision")
    public record Decision(@Schema(description = "Why, for the audit log", nullable = true) String comment) {
    }

    /** What approving did. */
    @Schema(name = "ApprovedChange")
    public record Approved(PolicyChange change, StoredPolicy policy,
                           @Schema(description = "Organisations whose bundles are being republished") List<String> republishing) {
    }

    @GET
    @Operation(summary = "List policy changes, newest first")
    @APIResponse(responseCode = "200", description = "Changes",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = PolicyChange.class)))
    public Uni<List<PolicyChange>> list(
            @Parameter(description = "pending, approved, rejected or expired") @QueryParam("status") String status,
            @Parameter(description = "Only changes of this policy") @QueryParam("policy_id") String policyId) {
        return policies.changes(status, policyId);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get one policy change with its diff")
    @APIResponse(responseCode = "200", description = "The change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyChange.class)))
    @APIResponse(responseCode = "404", description = "No such change",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<PolicyChange> get(@PathParam("id") UUID id) {
        return policies.change(id);
    }

    @POST
    @Path("/{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.POLICY_APPROVER)
    @Operation(summary = "Approve a pending change: it becomes the policy's next version and is published at once",
            description = "Role policy_approver; the author cannot approve their own change. Emits polity.policy.approved "
                    + "and polity.policy.created.")
    @APIResponse(responseCode = "200", description = "Approved and stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Approved.class)))
    @APIResponse(responseCode = "403", description = "Not a policy_approver, or the author of the change",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such change",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Not pending (decided or expired), the policy changed since, or a hierarchy conflict",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Approved> approve(@PathParam("id") UUID id, Decision decision) {
        Actor actor = Actor.of(caller);
        return policies.approve(id, actor, decision == null ? null : decision.comment())
                .invoke(worker::kick)
                .map(submission -> new Approved(submission.change(), submission.policy(), submission.republishing()));
    }

    @POST
    @Path("/{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.POLICY_APPROVER)
    @Operation(summary = "Reject a pending change", description = "Role policy_approver. Emits polity.policy.rejected.")
    @APIResponse(responseCode = "200", description = "Rejected",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyChange.class)))
    @APIResponse(responseCode = "403", description = "Not a policy_approver",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Not pending",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<PolicyChange> reject(@PathParam("id") UUID id, Decision decision) {
        return policies.reject(id, Actor.of(caller), decision == null ? null : decision.comment());
    }
}
