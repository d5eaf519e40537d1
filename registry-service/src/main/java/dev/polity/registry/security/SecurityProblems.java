package dev.polity.registry.security;

import dev.polity.support.problem.Problem;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.List;

/**
 * Security failures as problems: a missing or invalid token is a 401 (with {@code WWW-Authenticate}),
 * a role that may not call an operation a 403, both {@code application/problem+json} like every other
 * error (the shared table would otherwise treat them as unexpected).
 */
public class SecurityProblems {

    @ServerExceptionMapper(priority = 1)
    public Response forbidden(ForbiddenException e, UriInfo uri) {
        return problem(403, "forbidden", "Forbidden", "the caller's roles do not allow " + uri.getPath(), uri).build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response unauthorized(UnauthorizedException e, UriInfo uri) {
        return problem(401, "unauthorized", "Unauthorized", "a valid bearer token is required", uri)
                .header("WWW-Authenticate", "Bearer").build();
    }

    @ServerExceptionMapper(priority = 1)
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri) {
        return problem(401, "unauthorized", "Unauthorized", "a valid bearer token is required", uri)
                .header("WWW-Authenticate", "Bearer").build();
    }

    private static Response.ResponseBuilder problem(int status, String slug, String title, String detail, UriInfo uri) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(Problem.of(status, slug, title, detail, uri.getPath(), List.of()));
    }
}
