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
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/**
 * The caller organisation's collaboration agreements: {@code /api/v1/collaborations}. Declaring one opens the
 * caller's {@code organization}-level models to the partner (and, when trusted, approves the partner's access
 * requests automatically); it never opens the partner's models to the caller.
 */
@Path("/api/v1/collaborations")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Collaborations", description = "Who sees the caller organisation's organization-level models")
public class CollaborationResource {

    private final MembershipService membership;
    private final OutboxRelay relay;
    private final CallerAccess caller;

    CollaborationResource(MembershipService membership, OutboxRelay relay, CallerAccess caller) {
        this.membership = membership;
        this.relay = relay;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.PLATFORM_ADMIN, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.DATA_SCIENTIST, Roles.ML_ENGINEER,
            Roles.COMPLIANCE_OFFICER})
    @Operation(summary = "The caller organisation's collaborations",
            description = "shares_with: organisations that see its organization-level models; shared_by: organisations whose "
                    + "organization-level models it sees. From the registry's API and from the federation topic.")
    @APIResponse(responseCode = "200", description = "The collaborations",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.Collaborations.class)))
    public Uni<MembershipService.Collaborations> list() {
        return membership.collaborations(caller.actor());
    }

    @PUT
    @Path("/{partner}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Declare a collaboration with a partner",
            description = "The partner sees the caller organisation's organization-level models; trusted: its access requests "
                    + "are approved automatically. Emits polity.collaboration.changed.")
    @APIResponse(responseCode = "200", description = "The collaborations after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.Collaborations.class)))
    @APIResponse(responseCode = "400", description = "A malformed partner id, or the caller's own",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a platform_admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<MembershipService.Collaborations> put(@RestPath String partner, MembershipService.CollaborationRequest request) {
        return membership.putCollaboration(caller.actor(), partner, request).invoke(relay::relaySoon);
    }

    @DELETE
    @Path("/{partner}")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Withdraw a collaboration", description = "Emits polity.collaboration.changed.")
    @APIResponse(responseCode = "200", description = "The collaborations after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = MembershipService.Collaborations.class)))
    @APIResponse(responseCode = "404", description = "No such collaboration declared through the registry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<MembershipService.Collaborations> delete(@RestPath String partner) {
        return membership.deleteCollaboration(caller.actor(), partner).invoke(relay::relaySoon);
    }
}
