package dev.polity.gateway.breakglass;

import dev.polity.support.security.breakglass.BreakGlassAugmentor;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;

/**
 * Every request made under a break-glass grant is audited before it goes anywhere: when the audit event
 * cannot be written, the request is refused (503) rather than made unaudited.
 */
public class BreakGlassUseFilter {

    private final BreakGlassAudit audit;
    private final SecurityIdentity identity;

    public BreakGlassUseFilter(BreakGlassAudit audit, SecurityIdentity identity) {
        this.audit = audit;
        this.identity = identity;
    }

    @ServerRequestFilter
    public Uni<Response> auditUse(ContainerRequestContext request) {
        List<BreakGlassGrant> grants = identity.getAttribute(BreakGlassAugmentor.GRANTS_ATTRIBUTE);
        if (grants == null || grants.isEmpty()) {
            return Uni.createFrom().nullItem();
        }
        return audit.usedAll(grants, request.getMethod(), request.getUriInfo().getRequestUri().getRawPath())
                .replaceWith((Response) null);
    }
}
