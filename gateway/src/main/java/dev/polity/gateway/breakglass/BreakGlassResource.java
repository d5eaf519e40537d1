package dev.polity.gateway.breakglass;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.security.PermissionTable;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import dev.polity.support.security.breakglass.GrantStore;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Break-glass: a {@code platform_admin} gives a named user of its own organisation a role for a while,
 * with a reason, for at most {@code polity.gateway.break-glass.max-duration} (4 h). The grant, every
 * request made under it and its end (revoked here, or expired by itself) are audit events.
 */
@Path("/api/v1/break-glass/grants")
@Authenticated
@Tag(name = "break-glass", description = "Temporary elevated roles, audited from grant to end")
@Produces(MediaType.APPLICATION_JSON)
@APIResponse(responseCode = "403", description = "Not a platform_admin (reads: also auditor, compliance_officer)",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class BreakGlassResource {

    private static final int MAX_REASON = 1000;
    private static final int MIN_REASON = 10;

    private final GrantStore store;
    private final GrantWriter writer;
    private final BreakGlassAudit audit;
    private final Caller caller;
    private final PermissionTable permissions;
    private final GatewayConfig config;

    public BreakGlassResource(GrantStore store, GrantWriter writer, BreakGlassAudit audit, Caller caller, PermissionTable permissions,
                              GatewayConfig config) {
        this.store = store;
        this.writer = writer;
        this.audit = audit;
        this.caller = caller;
        this.permissions = permissions;
        this.config = config;
    }

    @GET
    @Operation(summary = "Active grants of the caller's organisation", description = "Roles platform_admin, auditor, compliance_officer.")
    @APIResponse(responseCode = "200", description = "Soonest expiry first")
    public List<BreakGlassGrant> active() {
        permissions.authorize("GET", "/api/v1/break-glass/grants", caller);
        return store.activeIn(caller.organization(), Instant.now());
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Grant a named user a role for a while",
            description = "Role platform_admin. The user is named as their tokens name them (preferred_username) and belongs to the "
                    + "caller's organisation; the role is any but platform_admin; the reason is required; the grant lasts "
                    + "duration (or until expires_at), at most 4 hours. Emits polity.breakglass.granted before it applies.")
    @APIResponse(responseCode = "201", description = "Granted; Location names it",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BreakGlassGrant.class)))
    @APIResponse(responseCode = "400", description = "A field is missing or out of bounds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "409", description = "A regional gateway: grants are given at the central gateway",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "The grant could not be audited or stored; nothing applies",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> grant(NewGrant request) {
        permissions.authorize("POST", "/api/v1/break-glass/grants", caller);
        requireManaged();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant expiresAt = validate(request, now);
        BreakGlassGrant grant = new BreakGlassGrant(UUID.randomUUID().toString(), caller.organization(), request.user().strip(),
                request.role(), request.reason().strip(), caller.subject(), now, expiresAt);
        return audit.granted(grant)
                .chain(() -> writer.save(grant)
                        .onFailure().call(failure -> audit.ended(grant, "not-stored", caller.subject(), Instant.now())
                                .onFailure().recoverWithNull())
                        .onFailure().transform(failure -> ProblemException.unavailable(
                                "the grant could not be stored (" + failure.getClass().getSimpleName() + "); it does not apply, retry later")))
                .map(stored -> Response.created(URI.create("/api/v1/break-glass/grants/" + grant.id())).entity(grant).build());
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "End a grant now", description = "Role platform_admin of the grant's organisation. Emits polity.breakglass.ended.")
    @APIResponse(responseCode = "204", description = "Ended")
    @APIResponse(responseCode = "409", description = "A regional gateway: grants are revoked at the central gateway",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No active grant with this id in the caller's organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> revoke(@PathParam("id") String id) {
        permissions.authorize("DELETE", "/api/v1/break-glass/grants/" + id, caller);
        requireManaged();
        BreakGlassGrant grant = store.find(id)
                .filter(found -> found.organization().equals(caller.organization()) && found.activeAt(Instant.now()))
                .orElseThrow(() -> ProblemException.notFound("no active break-glass grant " + id + " in organization '"
                        + caller.organization() + "'"));
        return audit.ended(grant, "revoked", caller.subject(), Instant.now())
                .chain(() -> writer.remove(grant.id()))
                .map(done -> Response.noContent().build());
    }

    /** Only a gateway that may write the grant topic gives or ends grants (polity.gateway.break-glass.manage). */
    private void requireManaged() {
        if (!config.breakGlass().manage()) {
            throw new ProblemException(409, "break-glass-managed-centrally", "Conflict",
                    "break-glass grants are given and revoked at the central gateway; this gateway only applies them", List.of());
        }
    }

    private Instant validate(NewGrant request, Instant now) {
        if (request == null) {
            throw ProblemException.invalidField("body", "is required");
        }
        List<FieldError> errors = new ArrayList<>();
        if (request.user() == null || request.user().isBlank() || request.user().length() > 255) {
            errors.add(new FieldError("user", "is required: the user's name as their tokens carry it (preferred_username)"));
        } else if (request.user().strip().equals(caller.subject())) {
            errors.add(new FieldError("user", "cannot be the caller: break-glass needs a second person"));
        }
        List<String> grantable = config.breakGlass().grantableRoles();
        if (request.role() == null || !grantable.contains(request.role())) {
            errors.add(new FieldError("role", "must be one of " + String.join(", ", grantable)));
        }
        if (request.reason() == null || request.reason().strip().length() < MIN_REASON || request.reason().length() > MAX_REASON) {
            errors.add(new FieldError("reason", "is required: " + MIN_REASON + " to " + MAX_REASON + " characters saying why"));
        }
        Duration max = config.breakGlass().maxDuration();
        Instant expiresAt = null;
        if ((request.duration() == null) == (request.expiresAt() == null)) {
            errors.add(new FieldError("duration", "give either duration (e.g. PT2H) or expires_at"));
        } else {
            expiresAt = request.duration() != null ? now.plus(request.duration()) : request.expiresAt();
            if (!expiresAt.isAfter(now)) {
                errors.add(new FieldError(request.duration() != null ? "duration" : "expires_at", "must end in the future"));
            } else if (expiresAt.isAfter(now.plus(max).plusSeconds(1))) {
                errors.add(new FieldError(request.duration() != null ? "duration" : "expires_at",
                        "must end within " + max.toMinutes() + " minutes"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return expiresAt;
    }
}
