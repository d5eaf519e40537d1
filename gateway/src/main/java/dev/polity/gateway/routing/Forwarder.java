package dev.polity.gateway.routing;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.gateway.http.RetryLaterException;
import dev.polity.support.problem.ProblemException;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.TypedGuard;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
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
 *
 * <p>Decisions, the call pipelines make most, are relayed by {@link #relayToPolicyNode} on Vert.x's own
 * HTTP client and futures, under the same guard: the web client's interceptor chain and Mutiny with
 * context propagation around each step cost the gateway more CPU than the relaying itself
 * (bench/decision-throughput). Every other call goes through {@link #call}.
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
    /** Answers up to this size are read into an array allocated from their Content-Length; larger ones grow as they come. */
    private static final long PRESIZED_ANSWER_LIMIT = 8L * 1024 * 1024;

    private final WebClient client;
    /** The decision relay's client: Vert.x core, no interceptors, no Mutiny. */
    private final HttpClient relayClient;
    private final GatewayConfig config;
    /** One guard per service, shared by both clients, so a service has one circuit whichever path calls it. */
    private final Map<String, TypedGuard<CompletionStage<ServiceAnswer>>> guards = new ConcurrentHashMap<>();
    private final Map<String, URI> parsedBaseUrls = new ConcurrentHashMap<>();
    private final Map<String, CircuitBreakerState> circuits = new ConcurrentHashMap<>();

    public Forwarder(Vertx vertx, GatewayConfig config) {
        this.config = config;
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setFollowRedirects(false)
                .setKeepAlive(true)
                .setMaxPoolSize(config.connectionsPerService())
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis()))
                .setUserAgent("polity-gateway"));
        this.relayClient = vertx.getDelegate().createHttpClient(new HttpClientOptions()
                .setKeepAlive(true)
                .setMaxPoolSize(config.connectionsPerService())
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.connectTimeout().toMillis())));
    }

    @PreDestroy
    void close() {
        client.close();
        relayClient.close();
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
        TypedGuard<CompletionStage<ServiceAnswer>> guard = guards.computeIfAbsent(service, this::newGuard);
        return Uni.createFrom().completionStage(() -> guard.get(() ->
                        send(baseUrl, method, pathAndQuery, requestHeaders, body, idempotent).subscribeAsCompletionStage()))
                .onFailure().transform(Forwarder::unwrapped)
                .onFailure(Forwarder::isSettled).recoverWithItem(Forwarder::settled)
                .onFailure().transform(failure -> translated(service, method, pathAndQuery, failure));
    }

    /**
     * {@code POST pathAndQuery} to {@code organization}'s policy node with {@code body}, the caller's forwarded
     * headers taken from {@code callerHeaders}: the decision route's relay. Same guard, timeouts, headers and
     * answers as {@link #callPolicyNode}; on Vert.x's core client and futures.
     */
    public Future<ServiceAnswer> relayToPolicyNode(String organization, String pathAndQuery, MultiMap callerHeaders,
                                                   io.vertx.core.buffer.Buffer body) {
        String service = "policy node of " + organization;
        URI base = parsedBaseUrls.computeIfAbsent(policyNodeUrl(organization), url -> URI.create(stripTrailingSlash(url)));
        TypedGuard<CompletionStage<ServiceAnswer>> guard = guards.computeIfAbsent(service, this::newGuard);
        CompletionStage<ServiceAnswer> guarded;
        try {
            guarded = guard.get(() -> relay(base, pathAndQuery, callerHeaders, body).toCompletionStage());
        } catch (RuntimeException e) {
            guarded = CompletableFuture.failedStage(e);
        }
        return Future.fromCompletionStage(guarded).recover(failure -> {
            Throwable cause = unwrapped(failure);
            return isSettled(cause) ? Future.succeededFuture(settled(cause))
                    : Future.failedFuture(translated(service, "POST", pathAndQuery, cause));
        });
    }

    private Future<ServiceAnswer> relay(URI base, String pathAndQuery, MultiMap callerHeaders, io.vertx.core.buffer.Buffer body) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setSsl("https".equals(base.getScheme()))
                .setHost(base.getHost())
                .setPort(base.getPort() > 0 ? base.getPort() : "https".equals(base.getScheme()) ? 443 : 80)
                .setURI(base.getRawPath() == null ? pathAndQuery : base.getRawPath() + pathAndQuery)
                .setTimeout(config.requestTimeout().toMillis())
                .putHeader("User-Agent", "polity-gateway");
        for (String header : FORWARDED_REQUEST_HEADERS) {
            String value = callerHeaders.get(header);
            if (value != null) {
                options.putHeader(header, value);
            }
        }
        return relayClient.request(options)
                .compose(request -> request.send(body))
                .compose(response -> bodyOf(response).map(responseBody -> answer(response, responseBody)))
                .recover(failure -> Future.failedFuture(failure instanceof UpstreamFailure ? failure
                        : new UpstreamFailure(failure, null, false)));
    }

    /**
     * The answer's body, read straight into an array of its {@code Content-Length}: {@code response.body()}
     * grows a buffer chunk by chunk and {@code getBytes()} copies it once more, and for a 24 KB decision those
     * copies and the buffers they leave behind showed in the gateway's profile (bench/decision-throughput).
     * Without a usable {@code Content-Length} (chunked, or above {@link #PRESIZED_ANSWER_LIMIT}) it reads as before.
     */
    private Future<byte[]> bodyOf(HttpClientResponse response) {
        long length = contentLength(response.getHeader("Content-Length"));
        if (length < 0 || length > PRESIZED_ANSWER_LIMIT) {
            return response.body().map(io.vertx.core.buffer.Buffer::getBytes);
        }
        byte[] body = new byte[(int) length];
        int[] filled = {0};
        Promise<byte[]> read = Promise.promise();
        response.handler(chunk -> {
            int size = chunk.length();
            if (filled[0] + size > body.length) {
                read.tryFail(new IllegalStateException("the answer is longer than its Content-Length " + length));
                return;
            }
            chunk.getBytes(0, size, body, filled[0]);
            filled[0] += size;
        });
        response.exceptionHandler(read::tryFail);
        response.endHandler(ended -> {
            if (filled[0] == body.length) {
                read.tryComplete(body);
            } else {
                read.tryFail(new IllegalStateException("the answer ended after " + filled[0] + " of its " + length + " bytes"));
            }
        });
        return read.future();
    }

    /** A Content-Length header's value; -1 when absent or not a number. */
    static long contentLength(String header) {
        if (header == null) {
            return -1;
        }
        try {
            return Long.parseLong(header.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static ServiceAnswer answer(HttpClientResponse response, byte[] body) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (Map.Entry<String, String> header : response.headers()) {
            headers.add(header);
        }
        ServiceAnswer answer = new ServiceAnswer(response.statusCode(), headers, body);
        if (UNAVAILABLE_STATUSES.contains(answer.status())) {
            throw new UpstreamFailure(null, answer, false);
        }
        return answer;
    }

    /** What failed inside a failed {@code CompletionStage}. */
    private static Throwable unwrapped(Throwable failure) {
        return failure instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : failure;
    }

    /** A failed call that still has an answer to relay: a service that answered 502/503/504, after the retries. */
    private static boolean isSettled(Throwable failure) {
        return failure instanceof UpstreamFailure upstream && upstream.answer() != null;
    }

    private static ServiceAnswer settled(Throwable failure) {
        return ((UpstreamFailure) failure).answer();
    }

    /** A call that failed without an answer, as the problem the caller gets: 503 (circuit open, unreachable) or 504. */
    private Throwable translated(String service, String method, String pathAndQuery, Throwable failure) {
        if (failure instanceof UpstreamFailure upstream) {
            return problem(service, method, pathAndQuery, upstream.getCause());
        }
        if (failure instanceof CircuitBreakerOpenException) {
            return RetryLaterException.unavailable(service + " is unavailable: too many recent calls failed, so calls to it are paused (circuit open); retry later",
                    config.resilience().circuitBreakerDelay());
        }
        return failure;
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

    private Uni<ServiceAnswer> send(String baseUrl, String method, String pathAndQuery,
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

    private TypedGuard<CompletionStage<ServiceAnswer>> newGuard(String service) {
        GatewayConfig.Resilience resilience = config.resilience();
        return TypedGuard.create(new TypeLiteral<CompletionStage<ServiceAnswer>>() {
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
