package dev.polity.policy.decision.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import dev.polity.policy.config.NodeConfig;
import dev.polity.policy.decision.service.DecisionService;
import dev.polity.support.http.PlainRoutes;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.problem.ProblemMappers;
import dev.polity.support.security.Caller;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.buffer.Unpooled;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code POST /api/v1/decisions} on a plain Vert.x route, ahead of Quarkus REST
 * ({@code polity.node.decision-fast-path}, on by default). It is the node's hot path, and Quarkus REST's
 * per-request machinery (resource dispatch, request scope, security interceptors, body reader, response
 * object) cost about a tenth of the node's CPU per decision.
 *
 * <p>Nothing is skipped. The token is verified by the same HTTP security layer before any route runs; this
 * route then applies what the annotations of {@link DecisionResource#decide} apply (a token, else 401; the
 * role {@code data_scientist} or {@code ml_engineer}, else 403; the node's own organisation, else 403),
 * reads the body with the application's {@link ObjectMapper} (same limits, same unknown-field rule),
 * decides with the same {@link DecisionService}, and answers every failure with the same problem
 * document as {@link ProblemMappers}. The body-size limit and the security headers are applied by the HTTP
 * layer to every route. {@link DecisionResource#decide} documents the endpoint in OpenAPI and serves it
 * when this route is off.
 */
@ApplicationScoped
public class DecisionRoute {

    static final String PATH = "/api/v1/decisions";
    /** As {@code @RolesAllowed} on {@link DecisionResource#decide}. */
    static final Set<String> DECIDING_ROLES = Set.of("data_scientist", "ml_engineer");

    private final NodeConfig config;
    private final DecisionService decisions;
    private final IdentityProviderManager identities;
    private final ObjectMapper json;
    private final ObjectReader requestReader;
    private final String organizationClaim;
    private final String teamClaim;
    private final Counter served;

    public DecisionRoute(NodeConfig config, DecisionService decisions, IdentityProviderManager identities, ObjectMapper json,
                         MeterRegistry meters,
                         @ConfigProperty(name = "polity.security.organization-claim", defaultValue = "org_id") String organizationClaim,
                         @ConfigProperty(name = "polity.security.team-claim", defaultValue = "team_id") String teamClaim) {
        this.config = config;
        this.decisions = decisions;
        this.identities = identities;
        this.json = json;
        this.requestReader = json.readerFor(DecisionRequest.class);
        this.organizationClaim = organizationClaim;
        this.teamClaim = teamClaim;
        this.served = Counter.builder("polity_node_decision_route_requests_total")
                .description("Decision requests served by the node's plain Vert.x decision route")
                .register(meters);
    }

    void register(@Observes Router router) {
        if (config.decisionFastPath()) {
            PlainRoutes.post(router, PATH, this::decide);
        }
    }

    private void decide(RoutingContext context) {
        served.increment();
        Future<Buffer> body = PlainRoutes.body(context);
        PlainRoutes.withIdentity(context, identities, identity -> decide(context, context.request(), body, identity),
                failure -> fail(context, failure));
    }

    private void decide(RoutingContext context, HttpServerRequest request, Future<Buffer> body, SecurityIdentity identity) {
        Caller caller;
        try {
            caller = admit(identity);
            requireJson(request.getHeader("Content-Type"));
        } catch (RuntimeException e) {
            fail(context, e);
            return;
        }
        body.onComplete(received -> {
            if (received.failed()) {
                fail(context, received.cause());
                return;
            }
            try {
                DecisionRequest decisionRequest = read(received.result());
                decisions.decide(decisionRequest, caller.subject()).subscribe().with(
                        decision -> context.response().setStatusCode(200).putHeader("Content-Type", "application/json")
                                .end(Buffer.buffer(Unpooled.wrappedBuffer(decision.json()))), // wrapped, not copied
                        failure -> fail(context, failure));
            } catch (RuntimeException | IOException e) {
                fail(context, e);
            }
        });
    }

    /** What {@code @Authenticated}, {@code @RolesAllowed} and {@code requireOwnOrganization} check on the resource. */
    private Caller admit(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            throw ProblemException.unauthenticated();
        }
        Caller caller = new Caller(identity, organizationClaim, teamClaim);
        if (!caller.hasAnyRole(DECIDING_ROLES)) {
            throw ProblemException.forbidden("deciding needs the role data_scientist or ml_engineer");
        }
        if (!config.organizationId().equals(caller.organization())) {
            throw ProblemException.forbidden("this node decides for organization '" + config.organizationId()
                    + "'; the token acts for '" + caller.organization() + "'");
        }
        return caller;
    }

    /** As {@code @Consumes(application/json)}: a body of another declared type is a 415. */
    private static void requireJson(String contentType) {
        if (contentType == null) {
            return;
        }
        String mediaType = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (!mediaType.equals("application/json") && !mediaType.endsWith("+json")) {
            throw new ProblemException(415, "unsupported-media-type", "Unsupported Media Type",
                    "unsupported content type for " + PATH + "; see /q/openapi for what it accepts", List.of());
        }
    }

    /** The request, or null for an empty body (which {@link DecisionService} answers as a missing body). */
    private DecisionRequest read(Buffer body) throws IOException {
        if (body.length() == 0) {
            return null;
        }
        return requestReader.readValue(body.getBytes());
    }

    private void fail(RoutingContext context, Throwable failure) {
        PlainRoutes.problem(context, ProblemMappers.problemFor(failure, PATH), json);
    }
}
