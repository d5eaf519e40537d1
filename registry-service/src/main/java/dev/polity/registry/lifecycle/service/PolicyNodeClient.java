package dev.polity.registry.lifecycle.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.registry.config.RegistryConfig;
import dev.polity.support.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.buffer.Buffer;
import io.vertx.mutiny.ext.web.client.HttpResponse;
import io.vertx.mutiny.ext.web.client.WebClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.net.URI;
import java.util.List;
import java.util.Map;

/**
 * Asks an organisation's policy node for a decision ({@code POST {node}/api/v1/decisions}) with the
 * caller's own bearer token, so the node checks the caller as it would any pipeline. Nodes come from
 * {@code polity.registry.policy-nodes.<org>}.
 */
@ApplicationScoped
public class PolicyNodeClient {

    private static final Logger LOG = Logger.getLogger(PolicyNodeClient.class);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final WebClient client;
    private final RegistryConfig config;
    private final ObjectMapper json;

    PolicyNodeClient(Vertx vertx, RegistryConfig config, ObjectMapper json) {
        this.client = WebClient.create(vertx, new WebClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.decisions().timeout().toMillis()))
                .setUserAgent("polity-registry"));
        this.config = config;
        this.json = json;
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Whether a node is configured for the organisation. */
    public boolean hasNode(String organization) {
        return config.policyNodes().containsKey(organization);
    }

    /**
     * The node's decision on {@code request}.
     *
     * @throws ProblemException 503 when no node is configured or it cannot be reached or fails; 502 when it
     *                          refuses the request (its problem detail is passed on)
     */
    public Uni<PolicyDecision> decide(String organization, Map<String, Object> request, String bearerToken) {
        String base = config.policyNodes().get(organization);
        if (base == null) {
            return Uni.createFrom().failure(ProblemException.unavailable("no policy node is configured for organization '"
                    + organization + "' (polity.registry.policy-nodes." + organization + "), so its lifecycle gates cannot be checked"));
        }
        URI uri = URI.create(base.endsWith("/") ? base + "api/v1/decisions" : base + "/api/v1/decisions");
        byte[] body;
        try {
            body = json.writeValueAsBytes(request);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Uni.createFrom().failure(new IllegalStateException("cannot serialise a decision request", e));
        }
        var call = client.postAbs(uri.toString())
                .timeout(config.decisions().timeout().toMillis())
                .putHeader(HttpHeaders.CONTENT_TYPE.toString(), "application/json")
                .putHeader(HttpHeaders.ACCEPT.toString(), "application/json");
        if (bearerToken != null) {
            call.putHeader(HttpHeaders.AUTHORIZATION.toString(), "Bearer " + bearerToken);
        }
        return call.sendBuffer(Buffer.buffer(body))
                .onFailure().transform(failure -> {
                    LOG.warnf("policy node of %s at %s did not answer: %s", organization, base, failure.toString());
                    return ProblemException.unavailable("the policy node of organization '" + organization
                            + "' did not answer (" + failure.getClass().getSimpleName() + "); try again later");
                })
                .map(response -> toDecision(organization, response));
    }

    private PolicyDecision toDecision(String organization, HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status == 200) {
            try {
                return PolicyDecision.of(json.readValue(response.body().getBytes(), MAP));
            } catch (java.io.IOException | RuntimeException e) {
                throw new ProblemException(502, "bad-gateway", "Bad gateway",
                        "the policy node of organization '" + organization + "' answered with an unreadable decision", List.of());
            }
        }
        String detail = detailOf(response);
        if (status >= 500) {
            throw ProblemException.unavailable("the policy node of organization '" + organization + "' failed (" + status + ")"
                    + (detail == null ? "" : ": " + detail));
        }
        throw new ProblemException(502, "bad-gateway", "Bad gateway", "the policy node of organization '" + organization
                + "' refused the decision request (" + status + ")" + (detail == null ? "" : ": " + detail), List.of());
    }

    private String detailOf(HttpResponse<Buffer> response) {
        try {
            Object detail = json.readValue(response.body().getBytes(), MAP).get("detail");
            return detail == null ? null : detail.toString();
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }
}
