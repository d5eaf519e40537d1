package dev.polity.sync.federation.service;

import dev.polity.sync.config.AuthoringConfig;
import dev.polity.sync.config.DistributionConfig;
import dev.polity.sync.federation.repository.FederationSettingsRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;

/** Merges the imported federation file's settings over the service configuration. Needs a session. */
@ApplicationScoped
public class FederationSettingsService {

    static final Duration DEFAULT_APPROVAL_TIMEOUT = Duration.ofHours(72);

    private final FederationSettingsRepository repository;
    private final AuthoringConfig authoring;
    private final DistributionConfig distribution;

    public FederationSettingsService(FederationSettingsRepository repository, AuthoringConfig authoring,
                                     DistributionConfig distribution) {
        this.repository = repository;
        this.authoring = authoring;
        this.distribution = distribution;
    }

    public Uni<EffectiveSettings> current() {
        return repository.current().map(imported -> imported == null
                ? new EffectiveSettings(null, null, authoring.requireApproval().orElse(false),
                        authoring.approvalTimeout().orElse(DEFAULT_APPROVAL_TIMEOUT),
                        distribution.maxRetries(), distribution.initialBackoff(), distribution.backoffMultiplier(),
                        distribution.maxBackoff())
                : new EffectiveSettings(imported.id, imported.name,
                        authoring.requireApproval().orElse(imported.requireApproval),
                        authoring.approvalTimeout().orElse(Duration.ofSeconds(imported.approvalTimeoutSeconds)),
                        imported.maxRetries, distribution.initialBackoff(), imported.backoffMultiplier,
                        Duration.ofSeconds(imported.maxBackoffSeconds)));
    }
}
