package dev.polity.audit.compliance;

import dev.polity.audit.access.AuditAccess;
import dev.polity.support.problem.Problem;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/** An organisation's compliance status, computed from the audit log. */
@Path("/api/v1/organizations/{organization}/compliance-status")
@Produces(MediaType.APPLICATION_JSON)
@Authenticated
@Tag(name = "Compliance status", description = "Computed from the audit log on every request")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's roles or organisation do not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class ComplianceResource {

    private final ComplianceService compliance;
    private final AuditAccess access;

    ComplianceResource(ComplianceService compliance, AuditAccess access) {
        this.compliance = compliance;
        this.access = access;
    }

    @GET
    @RolesAllowed({AuditAccess.COMPLIANCE_OFFICER, AuditAccess.AUDITOR})
    @Operation(summary = "Get an organisation's compliance status",
            description = "Active bundle revision and policies, decisions of the last 30 days by outcome, open violations "
                    + "(models whose latest decision is a denial), the log's last verification, and a 0-100 score: "
                    + "round(100 × (0.4·decisions + 0.3·violations + 0.15·bundle + 0.15·integrity)), each component "
                    + "between 0 and 1 as the README defines.")
    @APIResponse(responseCode = "200", description = "The status",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ComplianceStatus.class)))
    public Uni<ComplianceStatus> status(@Parameter(description = "Organisation id") @RestPath String organization) {
        return compliance.status(access.organizationFilter(organization));
    }
}
