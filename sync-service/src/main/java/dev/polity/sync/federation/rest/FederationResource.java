package dev.polity.sync.federation.rest;

import dev.polity.support.problem.Problem;
import dev.polity.support.security.Caller;
import dev.polity.sync.config.Roles;
import dev.polity.sync.distribution.service.PublicationWorker;
import dev.polity.sync.federation.service.ImportResult;
import dev.polity.sync.federation.service.FederationImportService;
import dev.polity.sync.status.service.FederationStatus;
import dev.polity.sync.status.service.FederationStatusService;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

@Path("/api/v1/federation")
@Authenticated
@Tag(name = "Federation", description = "Federation file import and federation consistency")
@Produces(MediaType.APPLICATION_JSON)
public class FederationResource {

    static final String APPLICATION_YAML = "application/yaml";
    static final String APPLICATION_X_YAML = "application/x-yaml";
    static final String TEXT_YAML = "text/yaml";

    private final FederationImportService imports;
    private final FederationStatusService statuses;
    private final Caller caller;
    private final PublicationWorker worker;

    public FederationResource(FederationImportService imports, FederationStatusService statuses, Caller caller,
                              PublicationWorker worker) {
        this.imports = imports;
        this.statuses = statuses;
        this.caller = caller;
        this.worker = worker;
    }

    @POST
    @Path("/import")
    @Consumes({APPLICATION_YAML, APPLICATION_X_YAML, TEXT_YAML, MediaType.TEXT_PLAIN})
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Import a federation file",
            description = "The federated-governance YAML (federation, organizations, policy_hierarchy, sync_configuration, "
                    + "audit_configuration), or a Kubernetes ConfigMap carrying it under data.federation-config.yaml. "
                    + "Idempotent. Errors name the line. Policy ids the hierarchy names that are not authored yet are "
                    + "listed as unresolved. Every bundle is republished if its contents changed. Role platform_admin. "
                    + "Emits polity.federation.imported.")
    @RequestBody(required = true, content = @Content(mediaType = APPLICATION_YAML, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "200", description = "Imported",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ImportResult.class)))
    @APIResponse(responseCode = "400", description = "Malformed file or value, unknown parent organisation: names the line",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "403", description = "Not a platform_admin",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "Another federation was imported here before",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ImportResult> importFile(String body) {
        return imports.importFile(body, caller.subject()).invoke(worker::kick);
    }

    @GET
    @Path("/status")
    @Operation(summary = "Federation consistency: per organisation and node, expected versus active revision",
            description = "Lag, last report, last error, silent nodes (no report for polity.federation.silent-after), "
                    + "propagation latency, queued or failing deliveries and unresolved policy ids.")
    @APIResponse(responseCode = "200", description = "The status",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = FederationStatus.class)))
    public Uni<FederationStatus> status(
            @Parameter(description = "Only this organisation") @QueryParam("organization_id") String organizationId) {
        return statuses.status(organizationId);
    }
}
