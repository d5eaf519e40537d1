package dev.polity.gateway.breakglass;

import dev.polity.gateway.config.GatewayConfig;
import dev.polity.support.security.breakglass.BreakGlassAugmentor;
import dev.polity.support.security.breakglass.BreakGlassGrant;
import dev.polity.support.security.breakglass.GrantStore;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ends grants that reached their expiry: records the end in the audit log, then removes the grant from the
 * shared topic. Every replica sweeps; the end event's id is the same on all of them, so the audit log keeps
 * one. A grant stops applying at its expiry whether or not the sweep has run (see {@link BreakGlassAugmentor}).
 */
@ApplicationScoped
public class GrantSweeper {

    private static final Logger LOG = Logger.getLogger(GrantSweeper.class);

    private final GrantStore store;
    private final GrantWriter writer;
    private final BreakGlassAudit audit;
    private final Vertx vertx;
    private final GatewayConfig config;
    private final Set<String> ending = ConcurrentHashMap.newKeySet();
    private long timer = -1;

    public GrantSweeper(GrantStore store, GrantWriter writer, BreakGlassAudit audit, Vertx vertx, GatewayConfig config) {
        this.store = store;
        this.writer = writer;
        this.audit = audit;
        this.vertx = vertx;
        this.config = config;
    }

    void start(@Observes StartupEvent event) {
        if (!config.breakGlass().manage()) {
            return; // a regional gateway cannot write tombstones; the central gateway sweeps
        }
        timer = vertx.setPeriodic(config.breakGlass().sweepInterval().toMillis(), id -> sweep());
    }

    void stop(@Observes ShutdownEvent event) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    void sweep() {
        Instant now = Instant.now();
        for (BreakGlassGrant grant : store.expired(now)) {
            if (!ending.add(grant.id())) {
                continue;
            }
            audit.ended(grant, "expired", "gateway", grant.expiresAt())
                    .chain(() -> writer.remove(grant.id()))
                    .subscribe().with(
                            done -> {
                                ending.remove(grant.id());
                                LOG.infof("break-glass grant %s (%s as %s in %s) expired", grant.id(), grant.user(), grant.role(),
                                        grant.organization());
                            },
                            failure -> {
                                // Tried again on the next sweep; the grant no longer applies meanwhile.
                                ending.remove(grant.id());
                                LOG.warnf("recording the end of break-glass grant %s failed: %s", grant.id(), failure.toString());
                            });
        }
    }
}
