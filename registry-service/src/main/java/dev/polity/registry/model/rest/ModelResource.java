package dev.polity.registry.model.rest;

import dev.polity.registry.model.service.ModelFacts;
import dev.polity.registry.model.service.ModelSearchPage;
import dev.polity.registry.model.service.ModelSearchService;
import dev.polity.registry.model.service.ModelVersionList;
import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.model.service.ModelVersionService;
import dev.polity.registry.model.service.ModelVersionView;
import dev.polity.registry.model.service.ModelView;
import dev.polity.registry.model.service.RegisterModelVersion;
import dev.polity.registry.model.service.SemanticVersion;
import dev.polity.registry.outbox.OutboxRelay;
import dev.polity.registry.security.Actor;
import dev.polity.registry.security.CallerAccess;
import dev.polity.registry.security.Roles;
import dev.polity.support.problem.Problem;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
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
import org.jboss.resteasy.reactive.RestQuery;

import java.net.URI;
import java.util.List;

/**
 * Models and their versions: {@code /api/v1/models/{org}/{name}}, and the search over them. Writes need
 * {@code data_scientist} or {@code ml_engineer} in the model's own organisation; reads need a model role
 * and answer only what the caller's organisation may see (anything else is a 404).
 */
@Path("/api/v1/models")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Models", description = "Model versions with their lineage, metrics and risk; search")
public class ModelResource {


    private final ModelVersionService service;
    private final ModelSearchService search;
    private final OutboxRelay relay;
    private final CallerAccess caller;

    ModelResource(ModelVersionService service, ModelSearchService search, OutboxRelay relay, CallerAccess caller) {
        this.service = service;
        this.search = search;
        this.relay = relay;
        this.caller = caller;
    }

    @GET
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER, Roles.BUSINESS_ANALYST})
    @Operation(summary = "Search model versions",
            description = "Versions the caller's organisation may see (its own, public ones, organization-level ones of "
                    + "organisations that declared a collaboration with it, consortium-level ones of fellow consortium "
                    + "members), filtered inside the query, most used first, then newest. Continue with next_page_token.")
    @APIResponse(responseCode = "200", description = "A page of results",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelSearchPage.class)))
    @APIResponse(responseCode = "400", description = "A bad filter, limit or page token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelSearchPage> search(
            @Parameter(description = "Free text over names, descriptions, domain, tags, framework and type (web search syntax)") @RestQuery String q,
            @Parameter(description = "Model type, e.g. classification") @RestQuery String type,
            @Parameter(description = "Framework, e.g. pytorch") @RestQuery String framework,
            @Parameter(description = "Tags the model must all carry; repeat or comma-separate") @RestQuery("tag") List<String> tags,
            @Parameter(description = "Version status") @RestQuery String status,
            @Parameter(description = "Owning organisation") @RestQuery String organization,
            @Parameter(description = "Results per page (default 20, at most 100)") @RestQuery Integer limit,
            @Parameter(description = "next_page_token of the previous page") @RestQuery("page_token") String pageToken) {
        Actor actor = caller.actor();
        return search.search(actor, new ModelSearchService.Criteria(q, type, framework, tags, status, organization, limit, pageToken));
    }

    @POST
    @Path("/{org}/{name}/versions")
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER})
    @Operation(summary = "Register a model version",
            description = "Stores a new, immutable version of the model {org}/{name} (the caller's organisation), creating "
                    + "the model on its first version, assesses its risk, and emits a polity.model.registered audit event.")
    @APIResponse(responseCode = "201", description = "Registered; Location names the new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelVersionView.class)))
    @APIResponse(responseCode = "400", description = "Invalid input; errors name every bad field",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not the caller's organisation, or a role that may not register",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The model already has this version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> register(
            @Parameter(description = "Organisation id: lower-case letters, digits, dashes") @RestPath String org,
            @Parameter(description = "Model name: lower-case letters, digits, dashes") @RestPath String name,
            RegisterModelVersion request,
            UriInfo uri) {
        SemanticVersion semver = ModelVersionRules.requireValidRegistration(org, name, request);
        Actor actor = caller.actorOf(org);
        return service.register(actor, org, name, semver, request)
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

    @PATCH
    @Path("/{org}/{name}")
    @Consumes({MediaType.APPLICATION_JSON, "application/merge-patch+json"})
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER})
    @Operation(summary = "Change a model's facts",
            description = "Description, owning team, domain, tags, access level and use flags; fields left out keep their "
                    + "values. Emits polity.model.updated. Risk of versions already registered does not change.")
    @APIResponse(responseCode = "200", description = "The model after the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelView.class)))
    @APIResponse(responseCode = "400", description = "Invalid input",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not the caller's organisation, or a role that may not change models",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelView> update(@RestPath String org, @RestPath String name, ModelFacts facts) {
        ModelVersionRules.requireValidFacts(org, name, facts);
        Actor actor = caller.actorOf(org);
        return service.updateModel(actor, org, name, facts).invoke(relay::relaySoon);
    }

    @GET
    @Path("/{org}/{name}/versions/{version}")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "Get a model version",
            description = "Deprecated versions carry a warning (also in a Deprecation header); retired ones withhold the artifact URI.")
    @APIResponse(responseCode = "200", description = "The version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelVersionView.class)))
    @APIResponse(responseCode = "400", description = "Malformed organisation, name or version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model or version, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> getVersion(@RestPath String org, @RestPath String name,
                                    @Parameter(description = "MAJOR.MINOR.PATCH") @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        Actor actor = caller.actor();
        return service.getVersion(actor, org, name, version).map(view -> {
            Response.ResponseBuilder response = Response.ok(view);
            if (view.warning() != null) {
                response.header("Deprecation", "true");
            }
            return response.build();
        });
    }

    @GET
    @Path("/{org}/{name}/versions")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "List the versions of a model", description = "Newest registration first.")
    @APIResponse(responseCode = "200", description = "The versions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelVersionList.class)))
    @APIResponse(responseCode = "400", description = "Malformed organisation or name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelVersionList> listVersions(@RestPath String org, @RestPath String name) {
        ModelVersionRules.requireModelPath(org, name);
        Actor actor = caller.actor();
        return service.listVersions(actor, org, name);
    }

    @GET
    @Path("/{org}/{name}")
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "Get a model", description = "The model's facts, its number of versions and its newest version.")
    @APIResponse(responseCode = "200", description = "The model",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelView.class)))
    @APIResponse(responseCode = "400", description = "Malformed organisation or name",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such model, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelView> getModel(@RestPath String org, @RestPath String name) {
        ModelVersionRules.requireModelPath(org, name);
        Actor actor = caller.actor();
        return service.getModel(actor, org, name);
    }
}
