package dev.polity.sync.policy.rest;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.support.problem.Problem;
import dev.polity.sync.common.ConcurrentWrites;
import dev.polity.sync.policy.service.PolicyService;
import dev.polity.sync.policy.service.StoredPolicy;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.util.List;

@Path("/api/v1/policies")
@Tag(name = "Policies", description = "Policy authoring: immutable, versioned policy documents")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    static final String APPLICATION_YAML = "application/yaml";
    static final String APPLICATION_X_YAML = "application/x-yaml";
    static final String TEXT_YAML = "text/yaml";

    private final PolicyService policies;

    public PolicyResource(PolicyService policies) {
        this.policies = policies;
    }

    @POST
    @Consumes({APPLICATION_YAML, APPLICATION_X_YAML, TEXT_YAML, MediaType.APPLICATION_JSON})
    @Operation(summary = "Store a policy document as the policy's next version",
            description = "The first document under an id becomes version 1, a changed one the next version; "
                    + "an identical one (same canonical SHA-256) answers 200 with the current version. "
                    + "Emits polity.policy.created.")
    @RequestBody(required = true, description = "A policy document (see DESIGN.md, Policies)", content = {
            @Content(mediaType = APPLICATION_YAML, schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT))})
    @APIResponse(responseCode = "201", description = "Stored as a new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StoredPolicy.class)))
    @APIResponse(responseCode = "200", description = "Identical to the current version, which is returned",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StoredPolicy.class)))
    @APIResponse(responseCode = "400", description = "Invalid document (every violation is listed), or its scope names an unknown organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not YAML or JSON",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge the audit event; nothing was stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> create(String body, @Context HttpHeaders headers) {
        MediaType type = headers.getMediaType();
        PolicyDocument document = type != null && type.isCompatible(MediaType.APPLICATION_JSON_TYPE)
                ? PolicyDocuments.parseJson(body)
                : PolicyDocuments.parse(body);
        return ConcurrentWrites.retryOnConflict(() -> policies.create(document))
                .map(outcome -> outcome.created()
                        ? Response.created(URI.create("/api/v1/policies/" + outcome.value().id()))
                                .entity(outcome.value()).build()
                        : Response.ok(outcome.value()).build());
    }

    @GET
    @Operation(summary = "List the latest version of every policy, ordered by id")
    @APIResponse(responseCode = "200", description = "Latest versions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = StoredPolicy.class)))
    public Uni<List<StoredPolicy>> list() {
        return policies.listLatest();
    }

    @GET
    @Path("/{id}")
    @Operation(summary = "Get the latest version of a policy")
    @APIResponse(responseCode = "200", description = "The latest version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StoredPolicy.class)))
    @APIResponse(responseCode = "404", description = "No such policy",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<StoredPolicy> latest(@Parameter(description = "Policy id", example = "bias-threshold") @PathParam("id") String id) {
        return policies.latest(id);
    }

    @GET
    @Path("/{id}/versions/{version}")
    @Operation(summary = "Get one version of a policy")
    @APIResponse(responseCode = "200", description = "That version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StoredPolicy.class)))
    @APIResponse(responseCode = "404", description = "No such policy or version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<StoredPolicy> version(
            @Parameter(description = "Policy id", example = "bias-threshold") @PathParam("id") String id,
            @Parameter(description = "Version, 1 or more", example = "1") @PathParam("version") int version) {
        return policies.version(id, version);
    }
}
