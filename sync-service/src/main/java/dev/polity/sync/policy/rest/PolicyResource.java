package dev.polity.sync.policy.rest;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.support.problem.Problem;
import dev.polity.support.security.Caller;
import dev.polity.sync.authoring.service.PolicyChange;
import dev.polity.sync.authoring.service.Submission;
import dev.polity.sync.authoring.service.VersionDiff;
import dev.polity.sync.common.Actor;
import dev.polity.sync.common.ConcurrentWrites;
import dev.polity.sync.config.Roles;
import dev.polity.sync.distribution.service.PublicationWorker;
import io.quarkus.security.Authenticated;
import jakarta.annotation.security.RolesAllowed;
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
@Authenticated
@Tag(name = "Policies", description = "Policy authoring: immutable, versioned policy documents")
@Produces(MediaType.APPLICATION_JSON)
public class PolicyResource {

    static final String APPLICATION_YAML = "application/yaml";
    static final String APPLICATION_X_YAML = "application/x-yaml";
    static final String TEXT_YAML = "text/yaml";

    private final PolicyService policies;
    private final Caller caller;
    private final PublicationWorker worker;

    public PolicyResource(PolicyService policies, Caller caller, PublicationWorker worker) {
        this.policies = policies;
        this.caller = caller;
        this.worker = worker;
    }

    @POST
    @Consumes({APPLICATION_YAML, APPLICATION_X_YAML, TEXT_YAML, MediaType.APPLICATION_JSON})
    @RolesAllowed(Roles.POLICY_AUTHOR)
    @Operation(summary = "Submit a policy document as the policy's next version",
            description = "Every CEL expression is compiled in the nodes' environment (422 naming policy, rule, position "
                    + "and compiler message) and the hierarchical conflict rules are checked (409 naming both policies "
                    + "and the parameter). The first document under an id becomes version 1, a changed one the next "
                    + "version, and the affected organisations' bundles are republished at once; an identical one "
                    + "answers 200 with the current version. When require_approval is on, a global or regional change "
                    + "answers 202 with a pending change that another policy_approver must approve. "
                    + "Emits polity.policy.created or polity.policy.submitted. Role policy_author.")
    @RequestBody(required = true, description = "A policy document (see DESIGN.md, Policies)", content = {
            @Content(mediaType = APPLICATION_YAML, schema = @Schema(type = SchemaType.STRING)),
            @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT))})
    @APIResponse(responseCode = "201", description = "Stored as a new version",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = StoredPolicy.class)))
    @APIResponse(responseCode = "202", description = "Pending approval; Location names the change",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PolicyChange.class)))
    @APIResponse(responseCode = "409", description = "Conflicts with a blocking policy of a higher scope, or a change is already pending",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "A CEL expression does not compile",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "The caller lacks the policy_author role",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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
        Actor actor = Actor.of(caller);
        return ConcurrentWrites.retryOnConflict(() -> policies.submit(document, actor))
                .invoke(submission -> {
                    if (!submission.republishing().isEmpty()) {
                        worker.kick();
                    }
                })
                .map(PolicyResource::respond);
    }

    static Response respond(Submission submission) {
        return switch (submission.kind()) {
            case PUBLISHED -> Response.created(URI.create("/api/v1/policies/" + submission.policy().id()))
                    .entity(submission.policy()).build();
            case UNCHANGED -> Response.ok(submission.policy()).build();
            case PENDING -> Response.accepted(submission.change())
                    .location(URI.create("/api/v1/policy-changes/" + submission.change().id())).build();
        };
    }

    @GET
    @Path("/{id}/versions/{version}/diff")
    @Operation(summary = "Compare a policy version with the one before it")
    @APIResponse(responseCode = "200", description = "The differences, field by field",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VersionDiff.class)))
    @APIResponse(responseCode = "404", description = "No such policy or version",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<VersionDiff> diff(
            @Parameter(description = "Policy id", example = "bias-threshold") @PathParam("id") String id,
            @Parameter(description = "Version, 1 or more", example = "2") @PathParam("version") int version) {
        return policies.diff(id, version);
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
