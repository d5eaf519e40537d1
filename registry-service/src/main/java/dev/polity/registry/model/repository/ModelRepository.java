package dev.polity.registry.model.repository;

import io.quarkus.hibernate.reactive.panache.PanacheRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;

@ApplicationScoped
public class ModelRepository implements PanacheRepository<ModelEntity> {

    private static final String VISIBLE = "select count(*) from model m where m.id = :id and "
            + Visibility.predicate("m", ":caller");

    public Uni<ModelEntity> findByOrganizationAndName(String organization, String name) {
        return find("organization = ?1 and name = ?2", organization, name).firstResult();
    }

    /**
     * The model {@code organization/name}, created if this is its first version. Safe when two first
     * versions of the same model are registered at once: the insert skips an existing row instead of
     * failing the transaction.
     */
    public Uni<ModelEntity> findOrCreate(String organization, String name, String createdBy, Instant now) {
        return getSession()
                .chain(session -> session.createNativeQuery("""
                                insert into model (organization, name, created_at, created_by)
                                values (?1, ?2, ?3, ?4)
                                on conflict (organization, name) do nothing""")
                        .setParameter(1, organization)
                        .setParameter(2, name)
                        .setParameter(3, now)
                        .setParameter(4, createdBy)
                        .executeUpdate())
                .chain(() -> findByOrganizationAndName(organization, name));
    }

    /** Whether organisation {@code caller} may see the model, by {@link Visibility}. */
    public Uni<Boolean> isVisibleTo(long modelId, String caller) {
        return getSession()
                .chain(session -> session.createNativeQuery(VISIBLE, Long.class)
                        .setParameter("id", modelId)
                        .setParameter("caller", caller)
                        .getSingleResult())
                .map(count -> count > 0);
    }

    /** Rewrites the free-text search document of every version of the model (after a registration or a change). */
    public Uni<Void> refreshSearch(long modelId) {
        return flush()
                .chain(() -> getSession())
                .chain(session -> session.createNativeQuery("select refresh_model_search(?1)", Integer.class)
                        .setParameter(1, modelId)
                        .getSingleResult())
                .replaceWithVoid();
    }
}
