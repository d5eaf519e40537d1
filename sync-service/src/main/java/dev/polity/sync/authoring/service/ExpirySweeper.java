package dev.polity.sync.authoring.service;

import dev.polity.sync.distribution.service.PublicationWorker;
import dev.polity.sync.override.service.OverrideService;
import dev.polity.sync.policy.service.PolicyService;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

/**
 * Every {@code polity.authoring.expiry-check-interval}: expires pending policy changes and override
 * requests past their approval timeout, and ends overrides past their expiry, republishing the
 * affected bundles at once.
 */
@ApplicationScoped
public class ExpirySweeper {

    private static final Logger LOG = Logger.getLogger(ExpirySweeper.class);

    private final PolicyService policies;
    private final OverrideService overrides;
    private final PublicationWorker worker;

    public ExpirySweeper(PolicyService policies, OverrideService overrides, PublicationWorker worker) {
        this.policies = policies;
        this.overrides = overrides;
        this.worker = worker;
    }

    @Scheduled(every = "${polity.authoring.expiry-check-interval:1s}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> sweep() {
        return policies.expireDue()
                .flatMap(ignored -> overrides.expireDue())
                .invoke(ended -> {
                    if (ended > 0) {
                        worker.kick();
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithItem(e -> {
                    LOG.warnf(e, "expiry sweep failed; retrying at the next interval");
                    return null;
                });
    }
}
