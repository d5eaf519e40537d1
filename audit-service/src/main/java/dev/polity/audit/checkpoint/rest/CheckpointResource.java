package dev.polity.audit.checkpoint.rest;

import dev.polity.audit.access.AuditAccess;
import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.config.AuditConfig;
import dev.polity.audit.event.service.AuditEventService;
import dev.polity.audit.proof.ConsistencyView;
import dev.polity.audit.proof.ProofService;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.ArrayList;
import java.util.List;

/**
 * Signed checkpoints of the audit log and consistency proofs between tree sizes. Checkpoints hold no event
 * content: every reader of the log sees all of them (the {@code organization} the gateway adds is ignored).
 */
@Path("/api/v1/audit/checkpoints")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Audit checkpoints", description = "Signed tree heads of the audit log and consistency proofs between them")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's roles do not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class CheckpointResource {

    private final CheckpointRepository checkpoints;
    private final ProofService proofs;
    private final AuditConfig config;

    CheckpointResource(CheckpointRepository checkpoints, ProofService proofs, AuditConfig config) {
        this.checkpoints = checkpoints;
        this.proofs = proofs;
        this.config = config;
    }

    /** A page of checkpoints, oldest first. */
    public record CheckpointPage(List<Checkpoint> items, Long nextAfter) {
    }

    @GET
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Operation(summary = "List signed checkpoints",
            description = "Checkpoints in growing tree size. Page with after=<next_after of the previous page>.")
    @APIResponse(responseCode = "200", description = "A page of checkpoints",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = CheckpointPage.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<CheckpointPage> list(
            @Parameter(description = "Only checkpoints of a larger tree size", schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
            @RestQuery String after,
            @Parameter(description = "Page size, default 50, at most 500", schema = @Schema(type = SchemaType.INTEGER, minimum = "1"))
            @RestQuery String limit) {
        List<FieldError> errors = new ArrayList<>();
        Long afterSize = AuditEventService.parseLong("after", after, 0, Long.MAX_VALUE, errors);
        Long pageSize = AuditEventService.parseLong("limit", limit, 1, config.query().maxLimit(), errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        int size = pageSize == null ? config.query().defaultLimit() : pageSize.intValue();
        return checkpoints.range(afterSize == null ? 0 : afterSize, Long.MAX_VALUE, size + 1).map(found -> {
            List<Checkpoint> items = found.stream().limit(size).toList();
            return new CheckpointPage(items, found.size() > size ? items.getLast().treeSize() : null);
        });
    }

    @GET
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Path("/latest")
    @Operation(summary = "Get the latest signed checkpoint")
    @APIResponse(responseCode = "200", description = "The newest checkpoint",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Checkpoint.class)))
    @APIResponse(responseCode = "404", description = "No checkpoint has been signed yet",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Checkpoint> latest() {
        return checkpoints.latest().map(found -> found.orElseThrow(
                () -> ProblemException.notFound("the audit log has no signed checkpoint yet")));
    }

    @GET
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Path("/consistency")
    @Operation(summary = "Prove that one tree size is a prefix of another",
            description = "RFC 9162 consistency proof from the tree of first leaves to the tree of second leaves (default: "
                    + "the latest checkpoint's size), with the signed checkpoints at those sizes when there are any.")
    @APIResponse(responseCode = "200", description = "The proof",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ConsistencyView.class)))
    @APIResponse(responseCode = "400", description = "The sizes are not 0 <= first <= second <= log size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "No checkpoint has been signed yet and second was not given",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ConsistencyView> consistency(
            @Parameter(description = "The smaller tree size", required = true, schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
            @RestQuery String first,
            @Parameter(description = "The larger tree size; default the latest checkpoint's", schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
            @RestQuery String second) {
        List<FieldError> errors = new ArrayList<>();
        Long firstSize = AuditEventService.parseLong("first", first, 0, Long.MAX_VALUE, errors);
        Long secondSize = AuditEventService.parseLong("second", second, 0, Long.MAX_VALUE, errors);
        if (firstSize == null && errors.isEmpty()) {
            errors.add(new FieldError("first", "is required"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return proofs.consistency(firstSize, secondSize);
    }

    @GET
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Path("/{treeSize}")
    @Operation(summary = "Get the checkpoint of one tree size")
    @APIResponse(responseCode = "200", description = "The checkpoint",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Checkpoint.class)))
    @APIResponse(responseCode = "404", description = "No checkpoint of this tree size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Checkpoint> get(@Parameter(description = "Tree size") @RestPath String treeSize) {
        List<FieldError> errors = new ArrayList<>();
        Long size = AuditEventService.parseLong("tree_size", treeSize, 1, Long.MAX_VALUE, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return checkpoints.find(size).map(found -> found.orElseThrow(
                () -> ProblemException.notFound("there is no checkpoint of tree size " + size)));
    }
}
