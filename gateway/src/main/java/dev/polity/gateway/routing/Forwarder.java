package dev.polity.gateway.routing;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;

/**
 * Forwards a request to a service and relays its answer. The caller's bearer token goes along,
 * so services can check it themselves; hop-by-hop headers do not. A service that cannot be
 * reached is a 503 problem, a slow one a 504, never a hang.
 */
@ApplicationScoped
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);
    /** Request headers passed on to services. */
    private static final List<String> FORWARDED_REQUEST_HEADERS =
            List.of("Authorization", "Content-Type", "Accept", "If-None-Match", "If-Match", "X-Request-Id");
    /** Response headers relayed to the caller; Location is rewritten to the gateway's own path. */
    private static final Set<String> RELAYED_RESPONSE_HEADERS = Set.of("content-type", "etag", "location", "retry-after", "x-request-id");

    private final WebClient client;
    private final GatewayConfig config;

    public Forwarder(Vertx vertx, GatewayConfig config) {
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false).setKeepAlive(true));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /**
     * @param service    name used in error messages
     * @param baseUrl    the service's base URL
     * @param pathAndQuery path (and query string) on the service, starting with {@code /}
     */
    public Uni<Response> forward(String service, String baseUrl, String method, String pathAndQuery,
                                 Map<String, String> requestHeaders, byte[] body) {
        URI target = URI.create(stripTrailingSlash(baseUrl) + pathAndQuery);
        HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(method), target.toString())
                .timeout(config.requestTimeout().toMillis());
        for (String header : FORWARDED_REQUEST_HEADERS) {
            String value = requestHeaders.get(header);
            if (value != null) {
                request.putHeader(header, value);
            }
        }
        Uni<io.vertx.mutiny.ext.web.client.HttpResponse<Buffer>> sent = body == null || body.length == 0
                ? request.send()
                : request.sendBuffer(Buffer.buffer(body));
        return sent.map(response -> {
                    Response.ResponseBuilder relayed = Response.status(response.statusCode());
                    response.headers().forEach(entry -> {
                        String name = entry.getKey().toLowerCase();
                        if (RELAYED_RESPONSE_HEADERS.contains(name)) {
                            relayed.header(entry.getKey(), name.equals("location") ? pathOnly(entry.getValue()) : entry.getValue());
                        }
                    });
                    Buffer responseBody = response.body();
                    if (responseBody != null) {
                        relayed.entity(responseBody.getBytes());
                    }
                    return relayed.build();
                })
                .onFailure().transform(failure -> {
                    LOG.warnf("%s %s on %s failed: %s", method, pathAndQuery, service, failure.toString());
                    if (failure instanceof TimeoutException || failure.getClass().getSimpleName().contains("Timeout")) {
                        return new ProblemException(504, "upstream-timeout", "Gateway timeout",
                                service + " did not answer within " + config.requestTimeout().toSeconds() + " s", List.of());
                    }
                    if (failure instanceof ConnectException || failure.getCause() instanceof ConnectException) {
                        return ProblemException.unavailable(service + " is unavailable; retry later");
                    }
                    return ProblemException.unavailable(service + " could not be reached: " + failure.getClass().getSimpleName());
                });
    }

    /** Services answer with their own absolute URLs; callers must only ever see the gateway's. */
    static String pathOnly(String location) {
        URI uri = URI.create(location);
        if (uri.getRawPath() == null) {
            return location;
        }
        return uri.getRawQuery() == null ? uri.getRawPath() : uri.getRawPath() + "?" + uri.getRawQuery();
    }

    private static String stripTrailingSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
