package dev.polity.gateway.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.gateway.breakglass.BreakGlassAudit;
import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.http.Problems;
import dev.polity.gateway.http.RetryLaterException;
import dev.polity.gateway.quota.QuotaCounter;
import dev.polity.gateway.quota.QuotaFilter;
import dev.polity.gateway.security.PermissionTable;
import dev.polity.support.http.PlainRoutes;
import dev.polity.support.problem.Problem;
import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import dev.polity.support.security.breakglass.BreakGlassAugmentor;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.util.List;
import java.util.UUID;

/**
 * {@code POST /api/v1/decisions} on a plain Vert.x route, ahead of Quarkus REST
 * ({@code polity.gateway.decision-fast-path}). Pipelines call it more than anything else, and it only
 * relays: check the caller, bind the request to the caller's organisation, pass it to that
 * organisation's policy node, relay the answer. Quarkus REST's per-request machinery (resource
 * dispatch, request scope, context propagation, filters, body readers and writers, a response
 * object around a copied body) cost more CPU than the relaying itself.
 *
 * <p>Nothing is skipped: the token is verified by the same HTTP security layer before this route
 * runs (an invalid token never gets here; none is a 401 here), and the same pieces as on the Quarkus
 * REST path decide: {@link PermissionTable} (role and tenant), {@link QuotaCounter} (429 with
 * {@code Retry-After}), {@link BreakGlassAudit} (every use of a grant audited before the call, 503 if
 * it cannot be), {@link DecisionBinding}, and {@link Forwarder} with the node's circuit breaker and
 * timeouts. Errors are the same {@code application/problem+json} answers. Security headers, CORS
 * and the body-size limit are applied by the HTTP layer to every route, this one included.
 * {@code GatewayResource#decide} documents the endpoint in OpenAPI and serves it when this is off.
 */
@ApplicationScoped
public class DecisionRoute {

    static final String PATH = "/api/v1/decisions";
    private static final Logger LOG = Logger.getLogger(DecisionRoute.class);

    private final GatewayConfig config;
    private final Forwarder forwarder;
    private final PermissionTable permissions;
    private final DecisionBinding binding;
    private final QuotaCounter quotas;
    private final BreakGlassAudit breakGlass;
    private final IdentityProviderManager identities;
    private final ObjectMapper json;
    private final String organizationClaim;
    private final String teamClaim;
    private final Counter relayed;
    /** The permission row of {@code POST /api/v1/decisions}, found once: the path never changes. */
    private final PermissionTable.Match route;

    public DecisionRoute(GatewayConfig config, Forwarder forwarder, PermissionTable permissions, DecisionBinding binding,
                         QuotaCounter quotas, BreakGlassAudit breakGlass, IdentityProviderManager identities, ObjectMapper json,
                         MeterRegistry meters,
                         @ConfigProperty(name = "polity.security.organization-claim", defaultValue = "org_id") String organizationClaim,
                         @ConfigProperty(name = "polity.security.team-claim", defaultValue = "team_id") String teamClaim) {
        this.config = config;
        this.forwarder = forwarder;
        this.permissions = permissions;
        this.binding = binding;
        this.quotas = quotas;
        this.breakGlass = breakGlass;
        this.identities = identities;
        this.json = json;
        this.organizationClaim = organizationClaim;
        this.teamClaim = teamClaim;
        this.route = permissions.route("POST", PATH);
        this.relayed = Counter.builder("polity_gateway_decision_route_requests_total")
                .description("Decision requests served by the gateway's plain Vert.x decision route")
                .register(meters);
    }

    void register(@Observes Router router) {
        if (config.decisionFastPath()) {
            PlainRoutes.post(router, PATH, this::decide);
        }
    }

    private void decide(RoutingContext context) {
        relayed.increment();
        Future<Buffer> body = PlainRoutes.body(context);
        PlainRoutes.withIdentity(context, identities, identity -> decide(context, context.request(), body, identity),
                failure -> fail(context, failure));
    }

    private void decide(RoutingContext context, HttpServerRequest request, Future<Buffer> body, SecurityIdentity identity) {
        Caller caller;
        try {
            caller = admit(identity);
        } catch (RuntimeException e) {
            fail(context, e);
            return;
        }
        List<BreakGlassGrant> grants = identity.getAttribute(BreakGlassAugmentor.GRANTS_ATTRIBUTE);
        body.onComplete(received -> {
            if (received.failed()) {
                fail(context, received.cause());
                return;
            }
            try {
                if (grants == null || grants.isEmpty()) {
                    relay(caller, received.result(), request).onComplete(answer -> respondOrFail(context, answer));
                    return;
                }
                // Every use of a break-glass grant is audited before the call is made (503 if it cannot be).
                breakGlass.usedAll(grants, "POST", request.path()).subscribe().with(
                        audited -> relay(caller, received.result(), request).onComplete(answer -> respondOrFail(context, answer)),
                        failure -> fail(context, failure));
            } catch (RuntimeException e) {
                fail(context, e);
            }
        });
    }

    /** Who may ask: a token (else 401), a role and organisation the permission table allows, quota left. */
    private Caller admit(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous()) {
            throw ProblemException.unauthenticated();
        }
        Caller caller = new Caller(identity, organizationClaim, teamClaim);
        permissions.check(route, caller);
        if (quotas.enabled()) {
            String client = QuotaFilter.clientOf(identity);
            QuotaCounter.Verdict verdict = quotas.count(client);
            if (!verdict.allowed()) {
                throw verdict.refusal(client);
            }
        }
        return caller;
    }

    private Future<ServiceAnswer> relay(Caller caller, Buffer body, HttpServerRequest request) {
        String organization = caller.organization();
        try {
            forwarder.policyNodeUrl(organization); // 503 before the body is parsed when the organisation has no node
            byte[] bound = binding.bind(body.getBytes(), organization, caller.team());
            String query = request.query();
            return forwarder.relayToPolicyNode(organization, query == null ? PATH : PATH + "?" + query, request.headers(),
                    Buffer.buffer(Unpooled.wrappedBuffer(bound)));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private void respondOrFail(RoutingContext context, AsyncResult<ServiceAnswer> answer) {
        if (answer.succeeded()) {
            respond(context, answer.result());
        } else {
            fail(context, answer.cause());
        }
    }

    private static void respond(RoutingContext context, ServiceAnswer answer) {
        HttpServerResponse response = context.response();
        response.setStatusCode(answer.status());
        Forwarder.relayHeaders(answer, response::putHeader);
        response.end(Buffer.buffer(Unpooled.wrappedBuffer(answer.body()))); // wrapped, not copied
    }

    private void fail(RoutingContext context, Throwable failure) {
        ProblemException problem;
        if (failure instanceof ProblemException known) {
            problem = known;
        } else {
            String errorId = UUID.randomUUID().toString();
            LOG.errorf(failure, "decision request failed unexpectedly (error id %s)", errorId);
            problem = new ProblemException(500, "internal", "Internal error",
                    "an unexpected error occurred; quote error id " + errorId + " to support", List.of());
        }
        if (problem instanceof RetryLaterException retryLater && retryLater.retryAfter() != null && !context.response().ended()) {
            context.response().putHeader("Retry-After", Problems.retryAfterSeconds(retryLater.retryAfter()));
        }
        PlainRoutes.problem(context, Problem.of(problem, PATH), json);
    }
}
