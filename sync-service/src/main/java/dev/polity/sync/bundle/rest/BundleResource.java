package dev.polity.sync.bundle.rest;

import dev.polity.contracts.bundle.BundleManifest;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.bundle.service.BundleService;
import dev.polity.sync.bundle.service.SigningKey;
import dev.polity.sync.bundle.service.StoredBundle;
import dev.polity.sync.common.ConcurrentWrites;
import dev.polity.sync.config.DistributionConfig;
import dev.polity.sync.config.Roles;
import dev.polity.sync.distribution.service.BundleNotifier;
import io.quarkus.security.Authenticated;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.QueryParam;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

@Path("/api/v1/bundles")
@Authenticated
@Tag(name = "Bundles", description = "Signed policy bundles, one chain of revisions per organisation")
@Produces(MediaType.APPLICATION_JSON)
public class BundleResource {

    private static final Pattern WAIT = Pattern.compile("(\\d{1,6})(ms|s|m)?");
    /** Re-check the database this often while waiting, to see what other instances published. */
    private static final Duration RECHECK = Duration.ofMillis(500);

    private final BundleService bundles;
    private final BundleNotifier notifier;
    private final DistributionConfig config;

    public BundleResource(BundleService bundles, BundleNotifier notifier, DistributionConfig config) {
        this.bundles = bundles;
        this.notifier = notifier;
        this.config = config;
    }

    @POST
    @Path("/{org}")
    @RolesAllowed(Roles.PLATFORM_ADMIN)
    @Operation(summary = "Build, sign and publish an organisation's bundle now (role platform_admin)",
            description = "Collects the latest version of every policy that applies to the organisation, signs the next "
                    + "revision with Ed25519 and publishes it on polity.policy.bundles (key: organisation id), answering "
                    + "only after Kafka acknowledged it. If the applicable policies did not change since the latest "
                    + "bundle, answers 200 with that bundle's manifest and publishes nothing.")
    @APIResponse(responseCode = "201", description = "A new revision was signed and published; its manifest",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BundleManifest.class)))
    @APIResponse(responseCode = "200", description = "Nothing changed; the latest bundle's manifest",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BundleManifest.class)))
    @APIResponse(responseCode = "404", description = "No such organisation",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Kafka did not acknowledge; nothing was stored",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> build(@Parameter(description = "Organisation id", example = "acme") @PathParam("org") String org) {
        return ConcurrentWrites.retryOnConflict(() -> bundles.build(org))
                .invoke(outcome -> {
                    if (outcome.created()) {
                        notifier.published(org);
                    }
                })
                .map(outcome -> outcome.created()
                        ? Response.created(URI.create("/api/v1/bundles/" + org)).entity(outcome.value()).build()
                        : Response.ok(outcome.value()).build());
    }

    @GET
    @Path("/{org}")
    @Operation(summary = "Get an organisation's latest signed bundle",
            description = "The body is the signed bundle exactly as published on polity.policy.bundles "
                    + "(contracts' Bundles.toJson, camelCase). Send the ETag back in If-None-Match to get 304 "
                    + "while it is unchanged. With ?wait=30s (ms, s or m; at most polity.distribution.long-poll-max-wait) "
                    + "the request is held until a newer revision is published (answered at once) or the wait is over (304).")
    @APIResponse(responseCode = "200", description = "The signed bundle",
            headers = @Header(name = HttpHeaders.ETAG, description = "\"<revision>-<digest>\"",
                    schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT)))
    @APIResponse(responseCode = "304", description = "The bundle named by If-None-Match is still the latest")
    @APIResponse(responseCode = "404", description = "The organisation has no bundle",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<Response> latest(
            @Parameter(description = "Organisation id", example = "acme") @PathParam("org") String org,
            @Parameter(description = "Entity tags of bundles the caller already has")
            @HeaderParam(HttpHeaders.IF_NONE_MATCH) String ifNoneMatch,
            @Parameter(description = "Long poll: hold the request up to this long (e.g. 30s, 500ms, 1m) for a newer revision",
                    example = "30s") @QueryParam("wait") String wait) {
        Duration waitFor = parseWait(wait);
        if (waitFor.isZero()) {
            return requireBundle(org).map(bundle -> respond(bundle, ifNoneMatch));
        }
        Context context = Vertx.currentContext();
        Executor onContext = context == null ? Runnable::run : task -> context.runOnContext(ignored -> task.run());
        return poll(org, ifNoneMatch, System.nanoTime() + waitFor.toNanos(), onContext);
    }

    private Uni<Response> poll(String org, String ifNoneMatch, long deadline, Executor onContext) {
        return bundles.latest(org).flatMap(bundle -> {
            boolean unchanged = bundle == null || EntityTags.anyMatches(ifNoneMatch, bundle.etag());
            long remaining = deadline - System.nanoTime();
            if (!unchanged || remaining <= 0) {
                if (bundle == null) {
                    return Uni.createFrom().failure(ProblemException.notFound("organization '" + org + "' has no bundle"));
                }
                return Uni.createFrom().item(respond(bundle, ifNoneMatch));
            }
            Duration slice = Duration.ofNanos(Math.min(remaining, RECHECK.toNanos()));
            return notifier.nextPublication(org, slice).emitOn(onContext)
                    .flatMap(ignored -> poll(org, ifNoneMatch, deadline, onContext));
        });
    }

    private Duration parseWait(String wait) {
        if (wait == null || wait.isBlank()) {
            return Duration.ZERO;
        }
        Matcher matcher = WAIT.matcher(wait.trim());
        if (!matcher.matches()) {
            throw ProblemException.invalidField("wait", "must be a duration such as 30s, 500ms or 1m");
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration requested = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        return requested.compareTo(config.longPollMaxWait()) > 0 ? config.longPollMaxWait() : requested;
    }

    private static Response respond(StoredBundle bundle, String ifNoneMatch) {
        {
            EntityTag etag = new EntityTag(bundle.revision() + "-" + bundle.digest());
            CacheControl cacheControl = new CacheControl();
            cacheControl.setNoCache(true);
            if (EntityTags.anyMatches(ifNoneMatch, bundle.etag())) {
                return Response.notModified(etag).cacheControl(cacheControl).build();
            }
            return Response.ok(bundle.json().getBytes(StandardCharsets.UTF_8), MediaType.APPLICATION_JSON_TYPE)
                    .tag(etag).cacheControl(cacheControl).build();
        }
    }

    @GET
    @Path("/{org}/manifest")
    @Operation(summary = "Get the manifest of an organisation's latest bundle, for people")
    @APIResponse(responseCode = "200", description = "The manifest",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BundleManifest.class)))
    @APIResponse(responseCode = "404", description = "The organisation has no bundle",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<BundleManifest> manifest(@Parameter(description = "Organisation id", example = "acme") @PathParam("org") String org) {
        return requireBundle(org).map(StoredBundle::manifest);
    }

    @GET
    @Path("/keys")
    @Operation(summary = "List the public keys bundles are signed with",
            description = "Configure policy nodes to trust these keys (key id to public key).")
    @APIResponse(responseCode = "200", description = "Signing keys",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(type = SchemaType.ARRAY, implementation = SigningKey.class)))
    public Uni<List<SigningKey>> keys() {
        return Uni.createFrom().item(bundles.signingKeys());
    }

    private Uni<StoredBundle> requireBundle(String org) {
        return bundles.latest(org).onItem().ifNull().failWith(() ->
                ProblemException.notFound("organization '" + org + "' has no bundle"));
    }
}
