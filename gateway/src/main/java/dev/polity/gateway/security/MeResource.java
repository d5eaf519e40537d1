package dev.polity.gateway.security;

import dev.polity.gateway.quota.QuotaCounter;
import dev.polity.gateway.quota.QuotaFilter;
import dev.polity.support.security.Caller;
import dev.polity.support.security.breakglass.BreakGlassAugmentor;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import io.quarkus.security.Authenticated;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** What the gateway makes of the caller's token: handy for pipelines and people to check their setup. */
@Path("/api/v1/me")
@Authenticated
@Tag(name = "gateway")
@Produces(MediaType.APPLICATION_JSON)
public class MeResource {

    private final Caller caller;
    private final SecurityIdentity identity;
    private final PermissionTable permissions;
    private final QuotaCounter quotas;

    public MeResource(Caller caller, SecurityIdentity identity, PermissionTable permissions, QuotaCounter quotas) {
        this.caller = caller;
        this.identity = identity;
        this.permissions = permissions;
        this.quotas = quotas;
    }

    /**
     * @param roles      the roles in effect, break-glass ones included
     * @param breakGlass the grants that apply now
     */
    public record Me(String subject, String client, String organization, String team, Set<String> roles, boolean central,
                     List<BreakGlassGrant> breakGlass, Quota quota) {
    }

    public record Quota(long hourLimit, long hourRemaining, long dayLimit, long dayRemaining) {
    }

    @GET
    @Operation(summary = "Who the token says the caller is", description = "Organisation, team, roles in effect, active break-glass "
            + "grants and what is left of the client's quota. Any role.")
    public Me me() {
        permissions.authorize("GET", "/api/v1/me", caller);
        String client = QuotaFilter.clientOf(identity);
        QuotaCounter.Verdict left = quotas.peek(client);
        List<BreakGlassGrant> grants = identity.getAttribute(BreakGlassAugmentor.GRANTS_ATTRIBUTE);
        return new Me(caller.subject(), client, caller.organization(), caller.team(), new TreeSet<>(caller.roles()),
                permissions.isCentral(caller.organization()), grants == null ? List.of() : grants,
                new Quota(left.hourLimit(), left.hourRemaining(), left.dayLimit(), left.dayRemaining()));
    }
}
