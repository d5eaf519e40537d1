package dev.polity.gateway.quota;

import dev.polity.gateway.http.Problems;
import dev.polity.gateway.http.RetryLaterException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import dev.polity.support.security.TokenClaims;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Applies the per-client quota to every {@code /api} request with a valid token, before it is routed:
 * over the hourly or daily limit is a 429 problem with {@code Retry-After} (seconds until the window
 * that refused it ends). Requests without a valid token are answered 401 before they count.
 */
public class QuotaFilter {

    private final QuotaCounter quotas;
    private final SecurityIdentity identity;

    public QuotaFilter(QuotaCounter quotas, SecurityIdentity identity) {
        this.quotas = quotas;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Response limit(ContainerRequestContext request) {
        if (!quotas.enabled() || identity.isAnonymous() || !request.getUriInfo().getPath().startsWith("/api/")) {
            return null;
        }
        String client = clientOf(identity);
        QuotaCounter.Verdict verdict = quotas.count(client);
        if (verdict.allowed()) {
            return null;
        }
        RetryLaterException refusal = verdict.refusal(client);
        return Problems.response(refusal.status(), refusal.slug(), refusal.title(), refusal.getMessage(), request.getUriInfo().getPath(),
                refusal.retryAfter());
    }

    /** The OAuth client the token was issued to ({@code azp}, else {@code client_id}), else the subject. */
    public static String clientOf(SecurityIdentity identity) {
        if (identity.getPrincipal() instanceof JsonWebToken token) {
            for (String claim : new String[] {"azp", "client_id"}) {
                String value = TokenClaims.string(token, claim);
                if (value != null && !value.isBlank()) {
                    return value;
                }
            }
        }
        return identity.getPrincipal().getName();
    }
}
