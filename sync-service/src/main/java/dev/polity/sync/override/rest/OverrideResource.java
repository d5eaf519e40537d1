package dev.polity.sync.override.rest;

import dev.polity.support.problem.Problem;
import dev.polity.support.security.Caller;
import dev.polity.sync.common.Actor;
import dev.polity.sync.config.Roles;
import dev.polity.sync.distribution.service.PublicationWorker;
import dev.polity.sync.override.service.NewOverride;
import dev.polity.sync.override.service.Override;
import dev.polity.sync.override.service.OverrideService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;
import java.util.UUID;

@Path("/api/v1/overrides")
@Authenticated
@Tag(name = "Overrides", description = "Approved, audited, expiring exceptions to a policy for one organisation or team")
@Produces(MediaType.APPLICATION_JSON)
public class OverrideResource {

    private final OverrideService overrides;
    private final Caller caller;
    private final PublicationWorker worker;

    public OverrideResource(OverrideService overrides, Caller caller, PublicationWorker worker) {
        this.overrides = overrides;
        this.caller = caller;
        this.worker = worker;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.POLICY_AUTHOR)
    @Operation(summary = "Request an override", description = "Pending until another policy_approver approves it. "
            + "Role policy_author. Emits polity.override.requested.")
    @APIResponse(responseCode = "201", description = "Requested, pending approval",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Override.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, unknown policy or organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a policy_author",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> request(NewOverride request) {
        return overrides.request(request, Actor.of(caller))
                .map(created -> Response.created(URI.create("/api/v1/overrides/" + created.id())).entity(created).build());
    }

    @GET
    @Operation(summary = "List overrides, newest first")
    @APIResponse(responseCode = "200", description = "Overrides",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = Override.class)))
    public Uni<List<Override>> list(@QueryParam("organization_id") String organizationId,
                                    @QueryParam("status") String status) {
        return overrides.search(organizationId, status);
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get one override")
    @APIResponse(responseCode = "200", description = "The override",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Override.class)))
    @APIResponse(responseCode = "404", description = "No such override",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Override> get(@PathParam("id") UUID id) {
        return overrides.get(id);
    }

    @POST
    @Path("/{id}/approve")
    @RolesAllowed(Roles.POLICY_APPROVER)
    @Operation(summary = "Approve an override: it is active at once and the organisation's bundle is republished",
            description = "Role policy_approver; the requester cannot approve their own request. Emits polity.override.approved.")
    @APIResponse(responseCode = "200", description = "Active",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Override.class)))
    @APIResponse(responseCode = "403", description = "Not a policy_approver, or the requester",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Not pending, or the approval window passed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Override> approve(@PathParam("id") UUID id) {
        return overrides.approve(id, Actor.of(caller)).invoke(worker::kick);
    }

    @POST
    @Path("/{id}/reject")
    @RolesAllowed(Roles.POLICY_APPROVER)
    @Operation(summary = "Reject an override request", description = "Role policy_approver. Emits polity.override.rejected.")
    @APIResponse(responseCode = "200", description = "Rejected",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Override.class)))
    @APIResponse(responseCode = "409", description = "Not pending",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Override> reject(@PathParam("id") UUID id) {
        return overrides.reject(id, Actor.of(caller));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.POLICY_APPROVER)
    @Operation(summary = "Revoke an active override before it expires",
            description = "Role policy_approver. The bundle is republished without it. Emits polity.override.revoked.")
    @APIResponse(responseCode = "200", description = "Revoked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Override.class)))
    @APIResponse(responseCode = "409", description = "Not active",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Override> revoke(@PathParam("id") UUID id) {
        return overrides.revoke(id, Actor.of(caller)).invoke(worker::kick);
    }
}
