package dev.polity.gateway.routing;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.http.RetryLaterException;
import dev.polity.support.problem.ProblemException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpRequest;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.enterprise.util.TypeLiteral;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.faulttolerance.exceptions.CircuitBreakerOpenException;
import org.jboss.logging.Logger;

import java.net.ConnectException;
import java.net.URI;
import java.time.temporal.ChronoUnit;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

/**
 * Calls the services and relays their answers. The caller's bearer token goes along, so services can
 * check it themselves; hop-by-hop headers do not.
 *
 * <p>Each service (each policy node separately) has its own circuit breaker (SmallRye Fault Tolerance):
 * when too many calls in its window fail in transport or with 502/503/504, the circuit opens and calls
 * are answered at once with a 503 problem and {@code Retry-After} instead of piling up. Idempotent
 * calls (GET, HEAD, OPTIONS, PUT, DELETE) that fail that way are retried a few times; POST and PATCH
 * never are, so a decision or a registration is never made twice. Every call has a connect and a
 * response timeout: a service that does not answer is a 504 problem, one that cannot be reached a 503,
 * never a hang.
 */
// @Singleton, not @ApplicationScoped: called on every decision, and a client proxy's context lookup per call showed in the profile.
@Singleton
public class Forwarder {

    private static final Logger LOG = Logger.getLogger(Forwarder.class);
    /** Request headers passed on to services. */
    static final List<String> FORWARDED_REQUEST_HEADERS =
            List.of("Authorization", "Content-Type", "Accept", "If-None-Match", "If-Match", "X-Request-Id");
    /** Response headers relayed to the caller; Location is rewritten to the gateway's own path. */
    private static final Set<String> RELAYED_RESPONSE_HEADERS = Set.of("content-type", "etag", "location", "retry-after", "x-request-id",
            "deprecation", "repr-digest", "content-disposition");
    /** RFC 9110 section 9.2.2. */
    private static final Set<String> IDEMPOTENT = Set.of("GET", "HEAD", "OPTIONS", "PUT", "DELETE");
    private static final Set<Integer> UNAVAILABLE_STATUSES = Set.of(502, 503, 504);

    private final WebClient client;
    private final GatewayConfig config;
    private final Map<String, TypedGuard<Uni<ServiceAnswer>>> guards = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> circuits = new ConcurrentHashMap<>();

    public Forwarder(Vertx vertx, GatewayConfig config) {
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setKeepAlive(true)
                .setMaxPoolSize(config.connectionsPerService())
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setUserAgent("polity-gateway"));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Circuit state by service, for the health check. */
    public Map<String, String> circuitStates() {
        Map<String, String> states = new TreeMap<>();
        circuits.forEach((service, state) -> states.put(service, state.name().toLowerCase()));
        return states;
    }

    /**
     * Forwards a request and relays the answer.
     *
     * @param service      name used in error messages and as the circuit breaker's name
     * @param baseUrl      the service's base URL
     * @param pathAndQuery path (and query string) on the service, starting with {@code /}
     */
    public Uni<Response> forward(String service, String baseUrl, String method, String pathAndQuery,
                                 Map<String, String> requestHeaders, byte[] body) {
        return call(service, baseUrl, method, pathAndQuery, requestHeaders, body).map(Forwarder::toResponse);
    }

    /**
     * Calls a service. Fails with a {@link ProblemException} (503, 504) when the service cannot be reached,
     * does not answer in time or its circuit is open; any answer it gives, 5xx included, is an item.
     */
    public Uni<ServiceAnswer> call(String service, String baseUrl, String method, String pathAndQuery,
                                   Map<String, String> requestHeaders, byte[] body) {
        boolean idempotent = IDEMPOTENT.contains(method);
        TypedGuard<Uni<ServiceAnswer>> guard = guards.computeIfAbsent(service, this::newGuard);
        return guard.get(() -> send(service, baseUrl, method, pathAndQuery, requestHeaders, body, idempotent))
                .onFailure(UpstreamFailure.class).recoverWithUni(failure -> {
                    UpstreamFailure upstream = (UpstreamFailure) failure;
                    // A service that answered 502/503/504 is relayed as it answered, after the retries.
                    return upstream.answer() != null ? Uni.createFrom().item(upstream.answer())
                            : Uni.createFrom().failure(problem(service, method, pathAndQuery, upstream.getCause()));
                })
                .onFailure(CircuitBreakerOpenException.class).transform(open -> RetryLaterException.unavailable(
                        service + " is unavailable: too many recent calls failed, so calls to it are paused (circuit open); retry later", config.resilience().circuitBreakerDelay()));
    }

    /** The base URL of {@code organization}'s policy node; a 503 problem when none is configured. */
    public String policyNodeUrl(String organization) {
        String nodeUrl = config.policyNodes().get(organization);
        if (nodeUrl == null) {
            throw ProblemException.unavailable("no policy node is configured for organization '" + organization + "'");
        }
        return nodeUrl;
    }

    /** {@link #call} to {@code organization}'s policy node, under that node's own circuit breaker. */
    public Uni<ServiceAnswer> callPolicyNode(String organization, String method, String pathAndQuery,
                                             Map<String, String> requestHeaders, byte[] body) {
        return call("policy node of " + organization, policyNodeUrl(organization), method, pathAndQuery, requestHeaders, body);
    }

    private Uni<ServiceAnswer> send(String service, String baseUrl, String method, String pathAndQuery,
                                    Map<String, String> requestHeaders, byte[] body, boolean idempotent) {
        URI target = URI.create(stripTrailingSlash(baseUrl) + pathAndQuery);
        HttpRequest<Buffer> request = client.requestAbs(HttpMethod.valueOf(method), target.toString())
                .timeout(config.requestTimeout().toMillis());
        for (String header : FORWARDED_REQUEST_HEADERS) {
            String value = requestHeaders.get(header);
            if (value != null) {
                request.putHeader(header, value);
            }
        }
        Uni<HttpResponse<Buffer>> sent = body == null || body.length == 0
                ? request.send()
                : request.sendBuffer(Buffer.buffer(body));
        return sent.onFailure().transform(failure -> new UpstreamFailure(failure, null, idempotent))
                .map(response -> {
                    List<Map.Entry<String, String>> headers = new ArrayList<>();
                    response.headers().forEach(entry -> headers.add(new AbstractMap.SimpleImmutableEntry<>(entry.getKey(), entry.getValue())));
                    Buffer responseBody = response.body();
                    ServiceAnswer answer = new ServiceAnswer(response.statusCode(), headers,
                            responseBody == null ? new byte[0] : responseBody.getBytes());
                    if (UNAVAILABLE_STATUSES.contains(answer.status())) {
                        throw new UpstreamFailure(null, answer, idempotent);
                    }
                    return answer;
                });
    }

    private TypedGuard<Uni<ServiceAnswer>> newGuard(String service) {
        GatewayConfig.Resilience resilience = config.resilience();
        return TypedGuard.create(new TypeLiteral<Uni<ServiceAnswer>>() {
                })
                .withDescription("calls to " + service)
                .withRetry()
                .maxRetries(resilience.retries())
                .delay(resilience.retryDelay().toMillis(), ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                .whenException(failure -> failure instanceof UpstreamFailure upstream && upstream.idempotent())
                .done()
                .withCircuitBreaker()
                .requestVolumeThreshold(resilience.circuitBreakerWindow())
                .failureRatio(resilience.circuitBreakerFailureRatio())
                .delay(resilience.circuitBreakerDelay().toMillis(), ChronoUnit.MILLIS)
                .successThreshold(resilience.circuitBreakerSuccessThreshold())
                .onStateChange(state -> {
                    circuits.put(service, state);
                    LOG.warnf("circuit breaker for %s is now %s", service, state);
                })
                .done()
                .withThreadOffload(false)
                .build();
    }

    private ProblemException problem(String service, String method, String pathAndQuery, Throwable failure) {
        LOG.warnf("%s %s on %s failed: %s", method, pathAndQuery, service, String.valueOf(failure));
        if (failure instanceof TimeoutException || (failure != null && failure.getClass().getSimpleName().contains("Timeout"))) {
            return new ProblemException(504, "upstream-timeout", "Gateway timeout",
                    service + " did not answer within " + config.requestTimeout().toMillis() + " ms", List.of());
        }
        if (failure instanceof ConnectException || (failure != null && failure.getCause() instanceof ConnectException)) {
            return RetryLaterException.unavailable(service + " is unavailable; retry later", config.resilience().circuitBreakerDelay());
        }
        return RetryLaterException.unavailable(service + " could not be reached ("
                + (failure == null ? "no answer" : failure.getClass().getSimpleName()) + "); retry later", config.resilience().circuitBreakerDelay());
    }

    static Response toResponse(ServiceAnswer answer) {
        Response.ResponseBuilder relayed = Response.status(answer.status());
        relayHeaders(answer, relayed::header);
        if (answer.body().length > 0) {
            relayed.entity(answer.body());
        }
        return relayed.build();
    }

    /** The answer's headers a caller may see, Location rewritten to the gateway's path. */
    static void relayHeaders(ServiceAnswer answer, BiConsumer<String, String> relayed) {
        for (Map.Entry<String, String> entry : answer.headers()) {
            String name = entry.getKey().toLowerCase();
            if (RELAYED_RESPONSE_HEADERS.contains(name)) {
                relayed.accept(entry.getKey(), name.equals("location") ? pathOnly(entry.getValue()) : entry.getValue());
            }
        }
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

    /** A failed call as the guard sees it: a transport failure (cause) or a 502/503/504 answer. */
    static final class UpstreamFailure extends RuntimeException {

        private final transient ServiceAnswer answer;
        private final boolean idempotent;

        UpstreamFailure(Throwable cause, ServiceAnswer answer, boolean idempotent) {
            super(cause == null ? "answered " + answer.status() : cause.toString(), cause, false, false);
            this.answer = answer;
            this.idempotent = idempotent;
        }

        ServiceAnswer answer() {
            return answer;
        }

        boolean idempotent() {
            return idempotent;
        }
    }
}
