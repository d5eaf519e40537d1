package dev.polity.registry.sharing.rest;

import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.outbox.OutboxRelay;
import dev.polity.registry.security.Actor;
import dev.polity.registry.security.CallerAccess;
import dev.polity.registry.security.Roles;
import dev.polity.registry.sharing.service.AccessService;
import dev.polity.registry.sharing.service.AccessViews;
import dev.polity.registry.sharing.service.UsageService;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
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
import org.jboss.resteasy.reactive.RestPath;

import java.util.UUID;

/**
 * Sharing a model with other organisations: access requests, grants and usage, under
 * {@code /api/v1/models/{org}/{name}}. {@code {org}} is the owner; requests and usage come from the caller's
 * organisation.
 */
@Path("/api/v1/models/{org}/{name}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Sharing", description = "Access requests, grants and usage across organisations")
public class AccessResource {

    private final AccessService access;
    private final UsageService usage;
    private final OutboxRelay relay;
    private final CallerAccess caller;

    AccessResource(AccessService access, UsageService usage, OutboxRelay relay, CallerAccess caller) {
        this.access = access;
        this.usage = usage;
        this.relay = relay;
        this.caller = caller;
    }

    @POST
    @Path("/access-requests")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.ML_LEAD})
    @Operation(summary = "Ask for access to another organisation's model",
            description = "For a model the caller's organisation may see. Approved at once for a trusted partner of the owner, "
                    + "for a research organisation asking for a research-approved model, or an academic one asking for an "
                    + "academic-approved model (both for research or academic use); otherwise pending until the owner decides.")
    @APIResponse(responseCode = "201", description = "Pending, or approved with its grant",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.AccessRequestView.class)))
    @APIResponse(responseCode = "400", description = "Invalid input; errors name every bad field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The caller's organisation owns the model",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> requestAccess(@RestPath String org, @RestPath String name, AccessViews.NewAccessRequest request, UriInfo uri) {
        ModelVersionRules.requireModelPath(org, name);
        Actor actor = caller.actor();
        return access.request(actor, org, name, request).invoke(relay::relaySoon)
                .map(view -> Response.created(uri.getBaseUriBuilder().path("api/v1/models/{org}/{name}/access-requests/{id}")
                        .build(org, name, view.id())).entity(view).build());
    }

    @GET
    @Path("/access-requests")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN,
            Roles.COMPLIANCE_OFFICER})
    @Operation(summary = "Access requests for a model", description = "The owner sees all, others their organisation's.")
    @APIResponse(responseCode = "200", description = "The requests, newest first",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.AccessRequestList.class)))
    @APIResponse(responseCode = "404", description = "No such model, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessViews.AccessRequestList> listRequests(@RestPath String org, @RestPath String name) {
        ModelVersionRules.requireModelPath(org, name);
        return access.list(caller.actor(), org, name);
    }

    @GET
    @Path("/access-requests/{id}")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN,
            Roles.COMPLIANCE_OFFICER})
    @Operation(summary = "An access request")
    @APIResponse(responseCode = "200", description = "The request",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.AccessRequestView.class)))
    @APIResponse(responseCode = "404", description = "No such request for the caller",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessViews.AccessRequestView> getRequest(@RestPath String org, @RestPath String name, @RestPath String id) {
        ModelVersionRules.requireModelPath(org, name);
        return access.get(caller.actor(), org, name, uuid(id));
    }

    @POST
    @Path("/access-requests/{id}/approval")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN})
    @Operation(summary = "Approve a pending access request", description = "By the owner; creates the grant. Emits polity.access.approved.")
    @APIResponse(responseCode = "200", description = "Approved, with its grant",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.AccessRequestView.class)))
    @APIResponse(responseCode = "403", description = "Not the owner's organisation, or a role that may not decide",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Already decided",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessViews.AccessRequestView> approve(@RestPath String org, @RestPath String name, @RestPath String id,
                                                     AccessViews.Decision decision) {
        ModelVersionRules.requireModelPath(org, name);
        return access.approve(caller.actorOf(org), org, name, uuid(id), decision).invoke(relay::relaySoon);
    }

    @POST
    @Path("/access-requests/{id}/rejection")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN})
    @Operation(summary = "Reject a pending access request", description = "By the owner, with a reason. Emits polity.access.rejected.")
    @APIResponse(responseCode = "200", description = "Rejected",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.AccessRequestView.class)))
    @APIResponse(responseCode = "400", description = "No reason",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Already decided",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessViews.AccessRequestView> reject(@RestPath String org, @RestPath String name, @RestPath String id,
                                                    AccessViews.Decision decision) {
        ModelVersionRules.requireModelPath(org, name);
        return access.reject(caller.actorOf(org), org, name, uuid(id), decision).invoke(relay::relaySoon);
    }

    @GET
    @Path("/grants")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN,
            Roles.COMPLIANCE_OFFICER})
    @Operation(summary = "Grants for a model", description = "The owner sees all, others their organisation's; state active, expired or revoked.")
    @APIResponse(responseCode = "200", description = "The grants",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.GrantList.class)))
    public Uni<AccessViews.GrantList> grants(@RestPath String org, @RestPath String name) {
        ModelVersionRules.requireModelPath(org, name);
        return access.grants(caller.actor(), org, name);
    }

    @POST
    @Path("/grants/{id}/revocation")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN})
    @Operation(summary = "Revoke a grant", description = "By the owner, with a reason; usage under it is refused from now on. Emits polity.access.revoked.")
    @APIResponse(responseCode = "200", description = "Revoked",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.GrantView.class)))
    @APIResponse(responseCode = "409", description = "Already revoked",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AccessViews.GrantView> revoke(@RestPath String org, @RestPath String name, @RestPath String id,
                                            AccessViews.Decision decision) {
        ModelVersionRules.requireModelPath(org, name);
        return access.revoke(caller.actorOf(org), org, name, uuid(id), decision).invoke(relay::relaySoon);
    }

    @POST
    @Path("/versions/{version}/usage")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.BUSINESS_ANALYST})
    @Operation(summary = "Record usage of a version",
            description = "download, inference or training by the caller's organisation: free for the owner, under a valid grant "
                    + "for anyone else (refused and audited without one). Counted per version and per grant.")
    @APIResponse(responseCode = "201", description = "Recorded, with the new totals",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.UsageRecorded.class)))
    @APIResponse(responseCode = "400", description = "Invalid kind, quantity or grant id",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "No valid grant",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The version is retired",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> recordUsage(@RestPath String org, @RestPath String name, @RestPath String version,
                                     AccessViews.UsageRequest request) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return usage.record(caller.actor(), org, name, version, request)
                .onTermination().invoke(relay::relaySoon)
                .map(recorded -> Response.status(201).entity(recorded).build());
    }

    @GET
    @Path("/versions/{version}/usage")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.PLATFORM_ADMIN,
            Roles.COMPLIANCE_OFFICER})
    @Operation(summary = "Usage of a version", description = "Totals by organisation and kind: all for the owner, the caller's own otherwise.")
    @APIResponse(responseCode = "200", description = "The totals",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AccessViews.UsageSummary.class)))
    public Uni<AccessViews.UsageSummary> usage(@RestPath String org, @RestPath String name, @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return usage.summary(caller.actor(), org, name, version);
    }

    private static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidField("id", "must be a UUID");
        }
    }
}
