package dev.polity.sync.federation.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class FederationSettingsRepository implements PanacheRepositoryBase<FederationSettingsEntity, String> {

    /** The imported federation, or null before the first import. */
    public Uni<FederationSettingsEntity> current() {
        return findAll().firstResult();
    }
}
