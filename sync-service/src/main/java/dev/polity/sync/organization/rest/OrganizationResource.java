package dev.polity.sync.organization.rest;

import dev.polity.support.problem.Problem;
import dev.polity.support.security.Caller;
import dev.polity.sync.config.Roles;
import dev.polity.sync.distribution.service.PublicationWorker;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.PUT;
import dev.polity.sync.common.ConcurrentWrites;
import dev.polity.sync.organization.service.NewOrganization;
import dev.polity.sync.organization.service.Organization;
import dev.polity.sync.organization.service.OrganizationService;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

@Path("/api/v1/organizations")
@Authenticated
@Tag(name = "Organizations", description = "Federation membership")
@Produces(MediaType.APPLICATION_JSON)
public class OrganizationResource {

    private final OrganizationService organizations;
    private final Caller caller;
    private final PublicationWorker worker;

    public OrganizationResource(OrganizationService organizations, Caller caller, PublicationWorker worker) {
        this.organizations = organizations;
        this.caller = caller;
        this.worker = worker;
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Add an organisation to the federation",
            description = "Publishes it on polity.federation.organizations, emits polity.organization.changed, subscribes "
                    + "it to its tier's default policy set and publishes its first bundle. "
                    + "Idempotent: the same organisation again answers 200. Role platform_admin.")
    @APIResponse(responseCode = "403", description = "Not a platform_admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "201", description = "Created",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Organization.class)))
    @APIResponse(responseCode = "200", description = "Already exists with identical content",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Organization.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, or the parent organisation does not exist",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The id is taken by an organisation with different content",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge; nothing was stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> create(NewOrganization request) {
        String actor = caller.subject();
        return ConcurrentWrites.retryOnConflict(() -> organizations.create(request, actor))
                .invoke(outcome -> {
                    if (outcome.created()) {
                        worker.kick();
                    }
                })
                .map(outcome -> outcome.created()
                        ? Response.created(URI.create("/api/v1/organizations/" + outcome.value().id()))
                                .entity(outcome.value()).build()
                        : Response.ok(outcome.value()).build());
    }

    @PUT
    @Path("/{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Change an organisation",
            description = "Replaces every field but the id. Publishes it on polity.federation.organizations, emits "
                    + "polity.organization.changed and, when region, parent or tier changed, republishes the bundles of "
                    + "the organisation and its descendants. Role platform_admin.")
    @APIResponse(responseCode = "200", description = "The organisation as it is now",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Organization.class)))
    @APIResponse(responseCode = "400", description = "Invalid fields, unknown parent, or a parent cycle",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a platform_admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Organization> update(@Parameter(description = "Organisation id", example = "acme") @PathParam("id") String id,
                                    NewOrganization request) {
        String actor = caller.subject();
        return organizations.update(id, request, actor)
                .invoke(outcome -> {
                    if (outcome.created()) {
                        worker.kick();
                    }
                })
                .map(outcome -> outcome.value());
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Remove an organisation from the federation",
            description = "Refused (409) while other organisations name it as parent_organization or policies are "
                    + "scoped to it or one of its teams (policies have no retired state, so any such policy blocks); "
                    + "the detail names them. Otherwise, in one transaction: deletes the organisation, its overrides, "
                    + "its pending bundle publication, its policy subscriptions and its nodes' status reports; publishes "
                    + "a tombstone (null value) for its key on polity.federation.organizations and emits "
                    + "polity.organization.removed, both acknowledged by Kafka before the commit. Its signed bundles and "
                    + "the policy history are kept for the audit trail (its bundle is no longer served); it leaves the "
                    + "federation status. The id can be created again (POST or a federation import). Role platform_admin.")
    @APIResponse(responseCode = "204", description = "Removed")
    @APIResponse(responseCode = "403", description = "Not a platform_admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Child organisations or policies scoped to it exist; the detail names them",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge; nothing was removed",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> delete(@Parameter(description = "Organisation id", example = "acme") @PathParam("id") String id) {
        String actor = caller.subject();
        return organizations.remove(id, actor).map(removed -> Response.noContent().build());
    }

    @GET
    @Operation(summary = "List the federation's organisations, ordered by id")
    @APIResponse(responseCode = "200", description = "Every organisation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = Organization.class)))
    public Uni<List<Organization>> list() {
        return organizations.list();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get one organisation")
    @APIResponse(responseCode = "200", description = "The organisation",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Organization.class)))
    @APIResponse(responseCode = "404", description = "No such organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Organization> get(@Parameter(description = "Organisation id", example = "acme") @PathParam("id") String id) {
        return organizations.get(id);
    }
}
