package dev.polity.support.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.support.problem.Problem;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.RouteConstants;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.function.Consumer;

/**
 * What a hot endpoint served on a plain Vert.x route, ahead of Quarkus REST, needs from the HTTP layer:
 * its place among the routes, the request body and the caller's verified identity. Used by the gateway's
 * and the policy node's decision routes.
 */
public final class PlainRoutes {

    private PlainRoutes() {
    }

    /** Serves {@code POST path} with {@code handler}: after the HTTP security filters, before Quarkus REST's handler. */
    public static void post(Router router, String path, Handler<RoutingContext> handler) {
        router.post(path).order(RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT).handler(handler);
    }

    /**
     * The request's body. Call it first: the body's chunks may already be arriving (unless a body handler
     * installed for every route has read it already). Plain Vert.x futures: Mutiny's context propagation,
     * which these routes do not need, wrapped every step.
     */
    public static Future<Buffer> body(RoutingContext context) {
        if (context.body() != null && context.body().available()) {
            return Future.succeededFuture(context.body().buffer() == null ? Buffer.buffer() : context.body().buffer());
        }
        Future<Buffer> body = context.request().body();
        context.request().resume(); // the HTTP layer pauses a request until a route asks for its body
        return body;
    }

    /** Calls {@code then} with the verified identity of the caller (anonymous without a token), or {@code failed}. */
    public static void withIdentity(RoutingContext context, IdentityProviderManager identities, Consumer<SecurityIdentity> then,
                                    Consumer<Throwable> failed) {
        if (context.user() instanceof QuarkusHttpUser user) {
            // Proactive authentication (the default) has verified the token before any route runs.
            then.accept(user.getSecurityIdentity());
        } else {
            QuarkusHttpUser.getSecurityIdentity(context, identities).subscribe().with(then, failed);
        }
    }

    /**
     * Answers with {@code problem} as {@code application/problem+json} ({@code WWW-Authenticate: Bearer} on a 401),
     * unless the response has already ended. Headers the caller set before (e.g. {@code Retry-After}) are kept.
     */
    public static void problem(RoutingContext context, Problem problem, ObjectMapper json) {
        HttpServerResponse response = context.response();
        if (response.ended()) {
            return;
        }
        response.setStatusCode(problem.status()).putHeader("Content-Type", Problem.MEDIA_TYPE);
        if (problem.status() == 401) {
            response.putHeader("WWW-Authenticate", "Bearer");
        }
        try {
            response.end(Buffer.buffer(json.writeValueAsBytes(problem)));
        } catch (JsonProcessingException e) {
            response.end();
        }
    }
}
