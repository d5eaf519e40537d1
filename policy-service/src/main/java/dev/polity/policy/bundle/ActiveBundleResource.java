package dev.polity.policy.bundle;

import dev.polity.contracts.bundle.BundleManifest;
import dev.polity.policy.engine.CompiledBundle;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import io.quarkus.security.Authenticated;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.time.Instant;

@Path("/api/v1/node")
@Authenticated
@Tag(name = "node", description = "This policy node's state")
@Produces(MediaType.APPLICATION_JSON)
public class ActiveBundleResource {

    /** The manifest of the active bundle and when it was activated. */
    public record ActiveBundleView(BundleManifest manifest, Instant activatedAt) {
    }

    private final ActiveBundle activeBundle;
    private final BundleActivator activator;

    public ActiveBundleResource(ActiveBundle activeBundle, BundleActivator activator) {
        this.activeBundle = activeBundle;
        this.activator = activator;
    }

    @GET
    @Path("/bundle")
    @Operation(summary = "The active bundle's manifest")
    @APIResponse(responseCode = "200", description = "The active bundle")
    @APIResponse(responseCode = "404", description = "No bundle has been activated yet",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ActiveBundleView activeBundle() {
        CompiledBundle bundle = activeBundle.get()
                .orElseThrow(() -> ProblemException.notFound("no bundle has been activated yet"));
        return new ActiveBundleView(bundle.bundle().manifest(), bundle.activatedAt());
    }

    @GET
    @Path("/status")
    @Operation(summary = "This node's status, as it reports it on the status topic")
    @APIResponse(responseCode = "200", description = "The status")
    public NodeStatus status() {
        return activator.status();
    }
}
