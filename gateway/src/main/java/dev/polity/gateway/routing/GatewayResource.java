package dev.polity.gateway.routing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.ScopeLevel;
import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.security.PermissionTable;
import dev.polity.gateway.security.TenantScope;
import dev.polity.gateway.security.Tenancy;
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
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The one door: every {@code /api/v1} call is authenticated here, checked against the
 * {@link PermissionTable} (roles and the caller's organisation) and forwarded to the service that owns
 * it. Organisation-bound answers are cut to the caller's organisation where the service cannot know
 * better: audit queries get a forced organisation filter, single audit events and central-authority
 * records are checked for their owner.
 */
@Path("/api/v1")
@Authenticated
@Tag(name = "gateway", description = "Authenticated, tenant-bound access to every Polity service")
@APIResponse(responseCode = "401", description = "No valid bearer token")
@APIResponse(responseCode = "403", description = "The caller's organisation or roles do not allow this",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "429", description = "The client used up its quota; see Retry-After",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
@APIResponse(responseCode = "503", description = "The service behind the gateway is unavailable; see Retry-After",
        content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
public class GatewayResource {

    private final Forwarder forwarder;
    private final GatewayConfig config;
    private final Caller caller;
    private final ObjectMapper json;
    private final PermissionTable permissions;
    private final DecisionBinding binding;

    public GatewayResource(Forwarder forwarder, GatewayConfig config, Caller caller, ObjectMapper json, PermissionTable permissions,
                           DecisionBinding binding) {
        this.binding = binding;
        this.forwarder = forwarder;
        this.config = config;
        this.caller = caller;
        this.json = json;
        this.permissions = permissions;
    }

    @POST
    @Path("/decisions")
    @Operation(summary = "Ask the caller's organisation's policy node for a governance decision",
            description = "organization_id defaults to the token's organisation and must match it; team_id defaults to the token's team. "
                    + "Roles data_scientist, ml_engineer.")
    public Uni<Response> decide(byte[] body, @Context UriInfo uri, @Context HttpHeaders headers) {
        RoutedRequest request = RoutedRequest.of("POST", uri, headers, body);
        permissions.authorize("POST", request.path(), caller);
        String organization = caller.organization();
        RoutedRequest bound = request.withBody(binding.bind(body, organization, caller.team()));
        return forwardToNode(organization, bound);
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
        PermissionTable.Match match = permissions.authorize(request.method(), request.path(), caller);
        String organization = caller.organization();
        return switch (match.upstream()) {
            case POLICY_NODE -> forwardToNode(organization, request);
            case REGISTRY -> forward("registry-service", config.registryUrl(), request);
            // The central organisation's auditors read the whole log (the audit service decides how much of it:
            // polity.audit.access.log-wide-organizations); everyone else is held to their organisation here first.
            case AUDIT -> switch (permissions.isCentral(organization) ? Tenancy.LOG : match.tenancy()) {
                case AUDIT_FILTER -> forward("audit-service", config.auditUrl(), withOrganizationFilter(request, organization));
                case AUDIT_EVENT -> ownAuditEvent(request, organization);
                default -> forward("audit-service", config.auditUrl(), request);
            };
            case SYNC -> match.tenancy() == Tenancy.SCOPED && !permissions.isCentral(organization)
                    ? scopedCentral(request, organization)
                    : forward("sync-service", config.syncUrl(), request);
            // Gateway routes have their own resources; a path that reaches here has no service behind it.
            case GATEWAY -> throw ProblemException.notFound("no route for " + request.path());
        };
    }

    private Uni<Response> forwardToNode(String organization, RoutedRequest request) {
        return forwarder.callPolicyNode(organization, request.method(), request.pathAndQuery(), request.headers(), request.body())
                .map(Forwarder::toResponse);
    }

    private Uni<Response> forward(String service, String baseUrl, RoutedRequest request) {
        return forwarder.forward(service, baseUrl, request.method(), request.pathAndQuery(), request.headers(), request.body());
    }

    /** One audit event (or its data or proof): only if the log says it belongs to the caller's organisation. */
    private Uni<Response> ownAuditEvent(RoutedRequest request, String organization) {
        String[] segments = request.path().split("/");
        // "", api, v1, audit, events, {id}, ...
        String eventPath = String.join("/", List.of(segments).subList(0, 6));
        return forwarder.call("audit-service", config.auditUrl(), "GET", eventPath, request.headers(), null)
                .chain(event -> {
                    if (!event.isSuccess()) {
                        return Uni.createFrom().item(Forwarder.toResponse(event));
                    }
                    JsonNode owner = readJson(event.body()).path("organization");
                    if (!owner.isTextual() || !owner.asText().equals(organization)) {
                        throw ProblemException.notFound("no audit event " + segments[5] + " in the log of organization '" + organization + "'");
                    }
                    return request.pathAndQuery().equals(eventPath)
                            ? Uni.createFrom().item(Forwarder.toResponse(event))
                            : forward("audit-service", config.auditUrl(), request);
                });
    }

    /**
     * Policies, policy changes and overrides for a caller outside the central organisation: reads are cut to
     * global, regional and its own organisation's records; writes must concern its own organisation.
     */
    private Uni<Response> scopedCentral(RoutedRequest request, String organization) {
        String[] segments = request.path().split("/");
        String collection = segments[3];
        if (request.method().equals("GET")) {
            return forwarder.call("sync-service", config.syncUrl(), "GET", request.pathAndQuery(), request.headers(), null)
                    .map(answer -> {
                        String type = answer.header("Content-Type");
                        if (!answer.isSuccess() || type == null || !type.startsWith("application/json")) {
                            return Forwarder.toResponse(answer);
                        }
                        JsonNode filtered = TenantScope.filter(readJson(answer.body()), organization);
                        if (filtered == null) {
                            throw ProblemException.notFound("no " + collection + " entry at " + request.path() + " for organization '" + organization + "'");
                        }
                        return Response.status(answer.status()).type(type).entity(writeJson(filtered)).build();
                    });
        }
        if (segments.length == 4) {
            // A new policy or override: it must be scoped to the caller's organisation.
            requireOwnScope(collection, request, organization);
            return forward("sync-service", config.syncUrl(), request);
        }
        // Approving, rejecting or ending a record: check whose it is first.
        String recordPath = String.join("/", List.of(segments).subList(0, 5));
        return forwarder.call("sync-service", config.syncUrl(), "GET", recordPath, request.headers(), null)
                .chain(record -> {
                    if (!record.isSuccess()) {
                        return Uni.createFrom().item(Forwarder.toResponse(record));
                    }
                    String owner = TenantScope.ownerOf(readJson(record.body()));
                    if (owner == null || !owner.equals(organization)) {
                        throw new ProblemException(403, "tenant-mismatch", "Forbidden", collection + " entry " + segments[4]
                                + (owner == null ? " is federation-wide; only the central organization decides on it"
                                : " belongs to organization '" + owner + "'"), List.of());
                    }
                    return forward("sync-service", config.syncUrl(), request);
                });
    }

    private void requireOwnScope(String collection, RoutedRequest request, String organization) {
        String text = request.body() == null ? "" : new String(request.body(), StandardCharsets.UTF_8);
        String owner;
        if (collection.equals("policies")) {
            String type = request.headers().getOrDefault("Content-Type", "");
            PolicyDocument document = type.startsWith("application/json") ? PolicyDocuments.parseJson(text) : PolicyDocuments.parse(text);
            if (document.scope() == null || document.scope().level() == ScopeLevel.GLOBAL || document.scope().level() == ScopeLevel.REGIONAL) {
                throw new ProblemException(403, "tenant-mismatch", "Forbidden",
                        "global and regional policies are authored by the central organization; scope this one to '" + organization + "'", List.of());
            }
            owner = document.scope().organization();
        } else {
            owner = readJson(request.body()).path("organization_id").asText(null);
        }
        if (owner != null && !owner.equals(organization)) {
            throw new ProblemException(403, "tenant-mismatch", "Forbidden",
                    "this token acts for '" + organization + "', not '" + owner + "'", List.of());
        }
    }

    /** Audit queries only ever see the caller's own organisation's events. */
    static RoutedRequest withOrganizationFilter(RoutedRequest request, String organization) {
        String[] parts = request.pathAndQuery().split("\\?", 2);
        StringBuilder query = new StringBuilder("organization=").append(URLEncoder.encode(organization, StandardCharsets.UTF_8));
        if (parts.length == 2) {
            for (String parameter : parts[1].split("&")) {
                String name = URLDecoder.decode(parameter.split("=", 2)[0], StandardCharsets.UTF_8);
                if (name.equals("organization")) {
                    String value = parameter.contains("=") ? parameter.substring(parameter.indexOf('=') + 1) : "";
                    String asked = URLDecoder.decode(value, StandardCharsets.UTF_8);
                    if (!asked.equals(organization)) {
                        throw new ProblemException(403, "tenant-mismatch", "Forbidden",
                                "this token acts for '" + organization + "', not '" + asked + "'", List.of());
                    }
                } else if (!parameter.isEmpty()) {
                    query.append('&').append(parameter);
                }
            }
        }
        return new RoutedRequest(request.method(), parts[0] + "?" + query, request.headers(), request.body());
    }

    private JsonNode readJson(byte[] body) {
        try {
            return body == null || body.length == 0 ? json.nullNode() : json.readTree(body);
        } catch (IOException e) {
            throw ProblemException.invalidField("body", "is not valid JSON");
        }
    }

    private byte[] writeJson(JsonNode node) {
        try {
            return json.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
