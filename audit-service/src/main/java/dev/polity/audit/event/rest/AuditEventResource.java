package dev.polity.audit.event.rest;

import dev.polity.audit.access.AuditAccess;
import dev.polity.audit.event.service.AuditEventPage;
import dev.polity.audit.event.service.AuditEventService;
import dev.polity.audit.event.service.AuditEventView;
import dev.polity.audit.proof.EventProof;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
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
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;

import java.util.Base64;
import java.util.HexFormat;

/** The audit log: {@code /api/v1/audit/events}. */
@Path("/api/v1/audit/events")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Audit events", description = "Every governance event, in the order it entered the audit log")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's roles or organisation do not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AuditEventResource {

    private static final String ORGANIZATION = "When given, the event must belong to this organisation (else 404)";

    private final AuditEventService service;
    private final AuditAccess access;

    AuditEventResource(AuditEventService service, AuditAccess access) {
        this.service = service;
        this.access = access;
    }

    @GET
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Operation(summary = "Query the audit log",
            description = "Events matching every given filter, in sequence order. Page with after=<next_after of the "
                    + "previous page>; next_after is null on the last page. Callers see their own organisation's events "
                    + "(organization defaults to it); proof=true adds each item's inclusion proof against the latest "
                    + "signed checkpoint.")
    @APIResponse(responseCode = "200", description = "A page of events",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditEventPage.class)))
    @APIResponse(responseCode = "400", description = "A parameter is invalid; errors name each one",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AuditEventPage> find(
            @Parameter(description = "CloudEvent subject, e.g. model/acme/fraud-detector") @RestQuery String subject,
            @Parameter(description = "CloudEvent type, e.g. polity.model.registered") @RestQuery String type,
            @Parameter(description = "Organisation (polityorg extension)") @RestQuery String organization,
            @Parameter(description = "Actor (polityactor extension)") @RestQuery String actor,
            @Parameter(description = "Earliest event time, inclusive (RFC 3339)") @RestQuery String from,
            @Parameter(description = "Latest event time, exclusive (RFC 3339)") @RestQuery String to,
            @Parameter(description = "Only events with a greater sequence number",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "0"))
            @RestQuery String after,
            @Parameter(description = "Page size, default 50, at most 500",
                    schema = @Schema(type = SchemaType.INTEGER, minimum = "1", maximum = "500"))
            @RestQuery String limit,
            @Parameter(description = "Add each item's inclusion proof against the latest checkpoint")
            @RestQuery boolean proof) {
        return service.find(access, subject, type, organization, actor, from, to, after, limit, proof);
    }

    @GET
    @Path("/{sequence}")
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Operation(summary = "Get one audit event by its sequence number")
    @APIResponse(responseCode = "200", description = "The event",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditEventView.class)))
    @APIResponse(responseCode = "400", description = "The sequence is not a positive whole number",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No event with this sequence",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AuditEventView> get(@Parameter(description = "Sequence number, from 1") @RestPath String sequence,
                                   @Parameter(description = ORGANIZATION) @RestQuery String organization) {
        return service.get(access, sequence, organization);
    }

    @GET
    @Path("/{sequence}/proof")
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Operation(summary = "Get the inclusion proof of one audit event",
            description = "RFC 9162 inclusion proof of the event's leaf against a signed checkpoint: the latest one, or "
                    + "the one of tree_size. Recompute the root from leaf_hash and audit_path and compare it with the "
                    + "checkpoint's root_hash; verify the checkpoint's signature with the log's public key.")
    @APIResponse(responseCode = "200", description = "The proof and the checkpoint it leads to",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventProof.class)))
    @APIResponse(responseCode = "400", description = "The sequence or tree_size is not a positive whole number",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No such event, or no checkpoint of that tree size",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "The event is newer than the checkpoint; a later one will cover it",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<EventProof> proof(@Parameter(description = "Sequence number, from 1") @RestPath String sequence,
                                 @Parameter(description = "Tree size of a signed checkpoint; default the latest",
                                         schema = @Schema(type = SchemaType.INTEGER, minimum = "1"))
                                 @RestQuery("tree_size") String treeSize,
                                 @Parameter(description = ORGANIZATION) @RestQuery String organization) {
        return service.proof(access, sequence, organization, treeSize);
    }

    @GET
    @Path("/{sequence}/data")
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "Get the data of one audit event, byte for byte",
            description = "The event data exactly as received, with its original content type; its SHA-256 is data_sha256 "
                    + "(also in the Repr-Digest header).")
    @APIResponse(responseCode = "200", description = "The raw data")
    @APIResponse(responseCode = "400", description = "The sequence is not a positive whole number",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No event with this sequence, or its payload has expired",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> getData(@Parameter(description = "Sequence number, from 1") @RestPath String sequence,
                                 @Parameter(description = ORGANIZATION) @RestQuery String organization) {
        return service.getRaw(access, sequence, organization).map(event -> {
            if (event.data() == null) {
                throw ProblemException.notFound(
                        "the payload of event " + event.sequence() + " has expired; data_sha256 remains");
            }
            String type = event.dataContentType() == null ? MediaType.APPLICATION_OCTET_STREAM : event.dataContentType();
            return Response.ok(event.data()).type(type).header("Repr-Digest", "sha-256=:" + hexToBase64(event.dataSha256()) + ":").build();
        });
    }

    private static String hexToBase64(String hex) {
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }
}
