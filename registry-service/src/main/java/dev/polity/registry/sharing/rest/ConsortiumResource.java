package dev.polity.registry.sharing.rest;

import dev.polity.registry.outbox.OutboxRelay;
import dev.polity.registry.security.CallerAccess;
import dev.polity.registry.security.Roles;
import dev.polity.registry.sharing.service.MembershipService;
import dev.polity.support.problem.Problem;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.jboss.resteasy.reactive.RestPath;

/**
 * Consortia: {@code /api/v1/consortia}. Members (accepted) see each other's {@code consortium}-level models. The
 * owner invites; the invited organisation accepts by putting itself; the owner removes, a member leaves.
 */
@Path("/api/v1/consortia")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Consortia", description = "Who sees consortium-level models")
public class ConsortiumResource {

    private final MembershipService membership;
    private final OutboxRelay relay;
    private final CallerAccess caller;

    ConsortiumResource(MembershipService membership, OutboxRelay relay, CallerAccess caller) {
        this.membership = membership;
        this.relay = relay;
        this.caller = caller;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Create a consortium", description = "Owned by the caller's organisation, its first member.")
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.ConsortiumView.class)))
    @APIResponse(responseCode = "400", description = "A malformed id or name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The id is taken",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> create(MembershipService.NewConsortium request, UriInfo uri) {
        return membership.createConsortium(caller.actor(), request).invoke(relay::relaySoon)
                .map(view -> Response.created(uri.getBaseUriBuilder().path("api/v1/consortia/{id}").build(view.id()))
                        .entity(view).build());
    }

    @GET
    @Path("/{id}")
    @RolesAllowed({Roles.PLATFORM_ADMIN, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.DATA_SCIENTIST, Roles.ML_ENGINEER,
            Roles.COMPLIANCE_OFFICER})
    @Operation(summary = "A consortium and its members", description = "Members are 'invited' until they accept.")
    @APIResponse(responseCode = "200", description = "The consortium",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.ConsortiumView.class)))
    @APIResponse(responseCode = "404", description = "No such consortium",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<MembershipService.ConsortiumView> get(@RestPath String id) {
        return membership.consortium(id);
    }

    @PUT
    @Path("/{id}/members/{organization}")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Invite a member, or accept an invitation",
            description = "The owner's platform_admin invites; the invited organisation's platform_admin accepts with the same call. "
                    + "Emits polity.consortium.changed.")
    @APIResponse(responseCode = "200", description = "The consortium after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.ConsortiumView.class)))
    @APIResponse(responseCode = "403", description = "Neither the owner nor the invited organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Accepting without an invitation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<MembershipService.ConsortiumView> putMember(@RestPath String id, @RestPath String organization) {
        return membership.putMember(caller.actor(), id, organization).invoke(relay::relaySoon);
    }

    @DELETE
    @Path("/{id}/members/{organization}")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Remove a member, or leave", description = "Emits polity.consortium.changed.")
    @APIResponse(responseCode = "200", description = "The consortium after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.ConsortiumView.class)))
    @APIResponse(responseCode = "403", description = "Removing another member without owning the consortium",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<MembershipService.ConsortiumView> removeMember(@RestPath String id, @RestPath String organization) {
        return membership.removeMember(caller.actor(), id, organization).invoke(relay::relaySoon);
    }
}
