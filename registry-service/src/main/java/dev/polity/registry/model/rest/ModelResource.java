package dev.polity.registry.model.rest;

import dev.polity.registry.model.service.ModelVersionList;
import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.model.service.ModelVersionService;
import dev.polity.registry.model.service.ModelVersionView;
import dev.polity.registry.model.service.ModelView;
import dev.polity.registry.model.service.RegisterModelVersion;
import dev.polity.registry.model.service.SemanticVersion;
import dev.polity.registry.outbox.OutboxRelay;
import dev.polity.support.problem.Problem;
import io.smallrye.mutiny.Uni;
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
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

import java.net.URI;

/** Models and their versions: {@code /api/v1/models/{org}/{name}}. */
@Path("/api/v1/models")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models", description = "Model versions with their lineage and metrics")
public class ModelResource {

    private final ModelVersionService service;
    private final OutboxRelay relay;

    ModelResource(ModelVersionService service, OutboxRelay relay) {
        this.service = service;
        this.relay = relay;
    }

    @POST
    @Path("/{org}/{name}/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Register a model version",
            description = "Stores a new, immutable version of the model {org}/{name}, creating the model on its first "
                    + "version, and emits a polity.model.registered audit event.")
    @APIResponse(responseCode = "201", description = "Registered; Location names the new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelVersionView.class)))
    @APIResponse(responseCode = "400", description = "Invalid input; errors name every bad field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The model already has this version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> register(
            @Parameter(description = "Organisation id: lower-case letters, digits, dashes") @RestPath String org,
            @Parameter(description = "Model name: lower-case letters, digits, dashes") @RestPath String name,
            RegisterModelVersion request,
            UriInfo uri) {
        SemanticVersion semver = ModelVersionRules.requireValidRegistration(org, name, request);
        return service.register(org, name, semver, request)
                .onFailure(UniqueViolations::isUniqueViolation)
                .transform(failure -> ModelVersionService.duplicate(org, name, request.version()))
                .invoke(relay::relaySoon)
                .map(view -> {
                    URI location = uri.getBaseUriBuilder()
                            .path("api/v1/models/{org}/{name}/versions/{version}")
                            .build(org, name, view.version());
                    return Response.created(location).entity(view).build();
                });
    }

    @GET
    @Path("/{org}/{name}/versions/{version}")
    @Operation(summary = "Get a model version")
    @APIResponse(responseCode = "200", description = "The version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelVersionView.class)))
    @APIResponse(responseCode = "400", description = "Malformed organisation, name or version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model or version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelVersionView> getVersion(@RestPath String org, @RestPath String name,
                                            @Parameter(description = "MAJOR.MINOR.PATCH") @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return service.getVersion(org, name, version);
    }

    @GET
    @Path("/{org}/{name}/versions")
    @Operation(summary = "List the versions of a model", description = "Newest registration first.")
    @APIResponse(responseCode = "200", description = "The versions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelVersionList.class)))
    @APIResponse(responseCode = "400", description = "Malformed organisation or name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelVersionList> listVersions(@RestPath String org, @RestPath String name) {
        ModelVersionRules.requireModelPath(org, name);
        return service.listVersions(org, name);
    }

    @GET
    @Path("/{org}/{name}")
    @Operation(summary = "Get a model", description = "The model with its number of versions and its newest version.")
    @APIResponse(responseCode = "200", description = "The model",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelView.class)))
    @APIResponse(responseCode = "400", description = "Malformed organisation or name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelView> getModel(@RestPath String org, @RestPath String name) {
        ModelVersionRules.requireModelPath(org, name);
        return service.getModel(org, name);
    }
}
