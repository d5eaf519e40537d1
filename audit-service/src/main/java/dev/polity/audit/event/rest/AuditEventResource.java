package dev.polity.audit.event.rest;

import dev.polity.audit.event.service.AuditEventPage;
import dev.polity.audit.event.service.AuditEventService;
import dev.polity.audit.event.service.AuditEventView;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
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
@Tag(name = "Audit events", description = "Every governance event, in the order it entered the audit log")
public class AuditEventResource {

    private final AuditEventService service;

    AuditEventResource(AuditEventService service) {
        this.service = service;
    }

    @GET
    @Operation(summary = "Query the audit log",
            description = "Events matching every given filter, in sequence order. Page with after=<next_after of the "
                    + "previous page>; next_after is null on the last page.")
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
            @RestQuery String limit) {
        return service.find(subject, type, organization, actor, from, to, after, limit);
    }

    @GET
    @Path("/{sequence}")
    @Operation(summary = "Get one audit event by its sequence number")
    @APIResponse(responseCode = "200", description = "The event",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = AuditEventView.class)))
    @APIResponse(responseCode = "400", description = "The sequence is not a positive whole number",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No event with this sequence",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<AuditEventView> get(@Parameter(description = "Sequence number, from 1") @RestPath String sequence) {
        return service.get(sequence);
    }

    @GET
    @Path("/{sequence}/data")
    @Produces(MediaType.WILDCARD)
    @Operation(summary = "Get the data of one audit event, byte for byte",
            description = "The event data exactly as received, with its original content type; its SHA-256 is data_sha256 "
                    + "(also in the Repr-Digest header).")
    @APIResponse(responseCode = "200", description = "The raw data")
    @APIResponse(responseCode = "400", description = "The sequence is not a positive whole number",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No event with this sequence, or its payload has expired",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> getData(@Parameter(description = "Sequence number, from 1") @RestPath String sequence) {
        return service.getRaw(sequence).map(event -> {
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
