package dev.polity.audit.export;

import dev.polity.audit.access.AuditAccess;
import dev.polity.audit.checkpoint.repository.CheckpointRepository;
import dev.polity.audit.checkpoint.service.CheckpointSigner;
import dev.polity.audit.event.service.AuditEventService;
import dev.polity.audit.log.AuditLog;
import dev.polity.contracts.audit.AuditExports;
import dev.polity.contracts.audit.Checkpoint;
import dev.polity.contracts.audit.LogKey;
import dev.polity.contracts.audit.VerificationReport;
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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;
import org.jboss.resteasy.reactive.RestQuery;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** The log as a whole: its identity and keys, exports for offline verification, and verification on demand. */
@Path("/api/v1/audit")
@Authenticated
@Tag(name = "Audit log", description = "Identity and public keys of the log, export for offline verification, verification")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's roles or organisation do not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class AuditLogResource {

    private final ExportService exports;
    private final VerificationService verification;
    private final CheckpointSigner signer;
    private final CheckpointRepository checkpoints;
    private final AuditLog log;
    private final AuditAccess access;

    AuditLogResource(ExportService exports, VerificationService verification, CheckpointSigner signer,
                     CheckpointRepository checkpoints, AuditLog log, AuditAccess access) {
        this.exports = exports;
        this.verification = verification;
        this.signer = signer;
        this.checkpoints = checkpoints;
        this.log = log;
        this.access = access;
    }

    /**
     * The log's identity.
     *
     * @param origin           the log id, the first line of every checkpoint
     * @param size             how many events the log holds now
     * @param rootHash         the root of the tree of those events (not yet signed if newer than the latest checkpoint)
     * @param latestCheckpoint the newest signed checkpoint, or null
     * @param publicKeys       the keys that sign checkpoints, the current one first
     */
    public record LogInfo(String origin, long size, String rootHash, Checkpoint latestCheckpoint, List<LogKey> publicKeys) {
    }

    @GET
    @Path("/log")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({AuditAccess.AUDITOR, AuditAccess.COMPLIANCE_OFFICER})
    @Operation(summary = "Describe the audit log: origin, size, latest checkpoint and public keys")
    @APIResponse(responseCode = "200", description = "The log",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LogInfo.class)))
    public Uni<LogInfo> info() {
        return log.head().chain(head -> checkpoints.latest().map(latest -> new LogInfo(signer.origin(), head.size(),
                HexFormat.of().formatHex(head.rootHash()), latest.orElse(null), signer.publicKeys())));
    }

    @GET
    @Path("/export")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AuditAccess.AUDITOR)
    @Operation(summary = "Export the events received in a time range, for offline verification",
            description = "One JSON file (format " + AuditExports.FORMAT + "): the events as received (headers and data "
                    + "bytes), their leaf hashes, the signed checkpoints covering them, consistency proofs between "
                    + "consecutive checkpoints, the frontier of the tree before the first event, and the public keys. "
                    + "The range is widened to signed checkpoints; events newer than the latest checkpoint are left out. "
                    + "Events of other organisations appear as leaf hashes only. Verify it with "
                    + "dev.polity.contracts.audit.VerifyAuditExport and the log's public key.")
    @APIResponse(responseCode = "200", description = "The export")
    @APIResponse(responseCode = "400", description = "A parameter is invalid",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public RestMulti<byte[]> export(
            @Parameter(description = "Received at or after (RFC 3339); default the beginning") @RestQuery String from,
            @Parameter(description = "Received before (RFC 3339); default now") @RestQuery String to,
            @Parameter(description = "Export this organisation's events in full (yours by default; the gateway passes yours)")
            @RestQuery String organization) {
        List<FieldError> errors = new ArrayList<>();
        Instant fromTime = AuditEventService.parseTime("from", from, errors);
        Instant toTime = AuditEventService.parseTime("to", to, errors);
        if (fromTime != null && toTime != null && !fromTime.isBefore(toTime)) {
            errors.add(new FieldError("to", "must be later than from"));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        String scope = access.organizationFilter(organization);
        String name = "polity-audit-export-" + DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .replace(":", "") + ".json";
        return RestMulti.fromMultiData(exports.export(fromTime, toTime, scope))
                .encodeAsJsonArray(false)
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"")
                .build();
    }

    @GET
    @Path("/verify")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(AuditAccess.AUDITOR)
    @Operation(summary = "Verify the whole audit log now",
            description = "Checks every checkpoint signature and that checkpoints only grow, recomputes every leaf from the "
                    + "stored event and every root from the leaves, and names the first sequence number (or checkpoint) that "
                    + "does not match. The same verifier an auditor runs offline on an export.")
    @APIResponse(responseCode = "200", description = "The verification report; ok is false when anything did not match",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = VerificationReport.class)))
    public Uni<VerificationReport> verify() {
        return verification.verify(access.subject());
    }
}
