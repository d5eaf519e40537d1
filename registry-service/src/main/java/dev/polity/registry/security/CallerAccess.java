package dev.polity.registry.security;

import dev.polity.support.problem.ProblemException;
import dev.polity.support.security.Caller;
import jakarta.enterprise.context.RequestScoped;
import org.eclipse.microprofile.jwt.JsonWebToken;

/** The current request's {@link Actor}, and the checks that need only the token. */
@RequestScoped
public class CallerAccess {

    private final Caller caller;
    private final JsonWebToken token;

    CallerAccess(Caller caller, JsonWebToken token) {
        this.caller = caller;
        this.token = token;
    }

    /** The caller; 403 when the token names no organisation. */
    public Actor actor() {
        return Actor.of(caller, token);
    }

    /**
     * The caller, who must belong to {@code org}: writes happen only in one's own organisation.
     *
     * @throws ProblemException 403 otherwise
     */
    public Actor actorOf(String org) {
        Actor actor = actor();
        if (!actor.organization().equals(org)) {
            throw ProblemException.forbidden("organization '" + actor.organization() + "' cannot change models of '" + org + "'");
        }
        return actor;
    }
}
