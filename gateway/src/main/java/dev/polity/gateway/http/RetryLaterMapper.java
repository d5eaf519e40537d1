package dev.polity.gateway.http;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** service-support's mapping table, plus the {@code Retry-After} header this kind of problem carries. */
public class RetryLaterMapper {

    @ServerExceptionMapper
    public Response retryLater(RetryLaterException e, UriInfo uri) {
        return Problems.response(e.status(), e.slug(), e.title(), e.getMessage(), uri == null ? null : uri.getPath(), e.retryAfter());
    }
}
