package dev.polity.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.polity.gateway.config.GatewayConfig;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The one door: every {@code /api/v1} call is authenticated here, bound to the caller's
 * organisation from the token, and forwarded to the service that owns it.
 *
 * <ul>
 *   <li>{@code POST /api/v1/decisions} goes to the caller's organisation's policy node;</li>
 *   <li>{@code /api/v1/models/{org}/**} to the registry, for the caller's own organisation only;</li>
 *   <li>{@code GET /api/v1/audit/**} to the audit service, filtered to the caller's organisation;</li>
 *   <li>{@code /api/v1/organizations|policies|bundles/**} to the central authority; writes need
 *       {@code platform_admin} or {@code policy_author}.</li>
 * </ul>
 */
@Path("/api/v1")
@Authenticated
@Tag(name = "gateway", description = "Authenticated, tenant-bound access to every Polity service")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's organisation or roles do not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "The service behind the gateway is unavailable",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class GatewayResource {

    static final Set<String> CENTRAL_WRITERS = Set.of("platform_admin", "policy_author");
    private static final Set<String> CENTRAL_COLLECTIONS = Set.of("organizations", "policies", "bundles");

    private final Forwarder forwarder;
    private final GatewayConfig config;
    private final Caller caller;
    private final ObjectMapper json;

    public GatewayResource(Forwarder forwarder, GatewayConfig config, Caller caller, ObjectMapper json) {
        this.forwarder = forwarder;
        this.config = config;
        this.caller = caller;
        this.json = json;
    }

    @POST
    @Path("/decisions")
    @Operation(summary = "Ask the caller's organisation's policy node for a governance decision",
            description = "organization_id defaults to the token's organisation and must match it; team_id defaults to the token's team.")
    public Uni<Response> decide(byte[] body, @Context UriInfo uri, @Context HttpHeaders headers) {
        String organization = caller.organization();
        String nodeUrl = config.policyNodes().get(organization);
        if (nodeUrl == null) {
            throw ProblemException.unavailable("no policy node is configured for organization '" + organization + "'");
        }
        RoutedRequest request = RoutedRequest.of("POST", uri, headers, bindToCaller(body, organization));
        return forwarder.forward("policy node of " + organization, nodeUrl, request.method(), request.pathAndQuery(),
                request.headers(), request.body());
    }

    @GET
    @Path("/{path: .+}")
    @Operation(summary = "Read from the service that owns the path")
    public Uni<Response> get(@Context UriInfo uri, @Context HttpHeaders headers) {
        return route(RoutedRequest.of("GET", uri, headers, null));
    }

    @POST
    @Path("/{path: .+}")
    @Operation(summary = "Create in the service that owns the path")
    public Uni<Response> post(byte[] body, @Context UriInfo uri, @Context HttpHeaders headers) {
        return route(RoutedRequest.of("POST", uri, headers, body));
    }

    @PUT
    @Path("/{path: .+}")
    @Operation(summary = "Replace in the service that owns the path")
    public Uni<Response> put(byte[] body, @Context UriInfo uri, @Context HttpHeaders headers) {
        return route(RoutedRequest.of("PUT", uri, headers, body));
    }

    @PATCH
    @Path("/{path: .+}")
    @Operation(summary = "Change in the service that owns the path")
    public Uni<Response> patch(byte[] body, @Context UriInfo uri, @Context HttpHeaders headers) {
        return route(RoutedRequest.of("PATCH", uri, headers, body));
    }

    @DELETE
    @Path("/{path: .+}")
    @Operation(summary = "Delete in the service that owns the path")
    public Uni<Response> delete(@Context UriInfo uri, @Context HttpHeaders headers) {
        return route(RoutedRequest.of("DELETE", uri, headers, null));
    }

    private Uni<Response> route(RoutedRequest request) {
        String[] segments = request.pathAndQuery().split("\\?", 2)[0].split("/");
        // segments: "", "api", "v1", collection, ...
        String collection = segments.length > 3 ? segments[3] : "";
        if (collection.equals("models")) {
            String organization = caller.organization();
            if (segments.length < 5 || !segments[4].equals(organization)) {
                throw ProblemException.forbidden("models are addressed as /api/v1/models/{org}/...; this token acts for '"
                        + organization + "' only");
            }
            return forward("registry-service", config.registryUrl(), request);
        }
        if (collection.equals("audit")) {
            if (!request.method().equals("GET")) {
                throw ProblemException.forbidden("the audit log is read-only");
            }
            return forward("audit-service", config.auditUrl(), withOrganizationFilter(request, caller.organization()));
        }
        if (CENTRAL_COLLECTIONS.contains(collection)) {
            if (!request.method().equals("GET") && CENTRAL_WRITERS.stream().noneMatch(caller::hasRole)) {
                throw ProblemException.forbidden("changing " + collection + " needs one of the roles " + CENTRAL_WRITERS);
            }
            return forward("sync-service", config.syncUrl(), request);
        }
        throw ProblemException.notFound("no service owns /api/v1/" + collection);
    }

    private Uni<Response> forward(String service, String baseUrl, RoutedRequest request) {
        return forwarder.forward(service, baseUrl, request.method(), request.pathAndQuery(), request.headers(), request.body());
    }

    /** Audit queries only ever see the caller's own organisation's events. */
    static RoutedRequest withOrganizationFilter(RoutedRequest request, String organization) {
        String[] parts = request.pathAndQuery().split("\\?", 2);
        StringBuilder query = new StringBuilder("organization=").append(URLEncoder.encode(organization, StandardCharsets.UTF_8));
        if (parts.length == 2) {
            for (String parameter : parts[1].split("&")) {
                if (parameter.startsWith("organization=")) {
                    String asked = java.net.URLDecoder.decode(parameter.substring("organization=".length()), StandardCharsets.UTF_8);
                    if (!asked.equals(organization)) {
                        throw ProblemException.forbidden("this token acts for '" + organization + "', not '" + asked + "'");
                    }
                } else if (!parameter.isEmpty()) {
                    query.append('&').append(parameter);
                }
            }
        }
        return new RoutedRequest(request.method(), parts[0] + "?" + query, request.headers(), request.body());
    }

    /** Fills in or checks the organisation (and team) of a decision request against the token. */
    private byte[] bindToCaller(byte[] body, String organization) {
        JsonNode parsed;
        try {
            parsed = json.readTree(body);
        } catch (IOException e) {
            throw ProblemException.invalidField("body", "is not valid JSON");
        }
        if (!(parsed instanceof ObjectNode request)) {
            throw ProblemException.invalidField("body", "must be a JSON object");
        }
        JsonNode asked = request.get("organization_id");
        if (asked == null || asked.isNull()) {
            request.put("organization_id", organization);
        } else if (!asked.asText().equals(organization)) {
            throw ProblemException.forbidden("this token acts for '" + organization + "', not '" + asked.asText() + "'");
        }
        if (!request.hasNonNull("team_id") && caller.team() != null) {
            request.put("team_id", caller.team());
        }
        try {
            return json.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
