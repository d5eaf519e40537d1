package dev.polity.sync.organization.service;

import dev.polity.contracts.events.EventTypes;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.common.Outcome;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.organization.repository.OrganizationRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Federation membership: organisations, immutable once created. */
@ApplicationScoped
public class OrganizationService {

    private final OrganizationRepository repository;
    private final OrganizationPublisher publisher;
    private final AuditEventPublisher audit;

    public OrganizationService(OrganizationRepository repository, OrganizationPublisher publisher,
                               AuditEventPublisher audit) {
        this.repository = repository;
        this.publisher = publisher;
        this.audit = audit;
    }

    /**
     * Creates an organisation, publishes it on the federation topic and emits
     * {@code polity.organization.changed}; the transaction commits only after Kafka acknowledged
     * both. Creating the same organisation again is a no-op; a different one under a taken id is a conflict.
     */
    @WithTransaction
    public Uni<Outcome<Organization>> create(NewOrganization request) {
        OrganizationValidator.validate(request);
        return repository.findById(request.id()).flatMap(existing -> {
            if (existing != null) {
                Organization current = toOrganization(existing);
                if (current.sameContentAs(request)) {
                    return Uni.createFrom().item(Outcome.existing(current));
                }
                return Uni.createFrom().failure(ProblemException.conflict("organization '" + request.id()
                        + "' already exists with a different name, tier, region or parent"));
            }
            return requireParent(request.parentOrganization())
                    .flatMap(ignored -> repository.persistAndFlush(toEntity(request)))
                    .map(OrganizationService::toOrganization)
                    .call(publisher::publish)
                    .call(organization -> audit.publish(EventTypes.ORGANIZATION_CHANGED,
                            subject(organization.id()), organization.id(),
                            new OrganizationChanged("created", organization)))
                    .map(Outcome::created);
        });
    }

    @WithSession
    public Uni<List<Organization>> list() {
        return repository.listOrderedById()
                .map(entities -> entities.stream().map(OrganizationService::toOrganization).toList());
    }

    /** @throws ProblemException 404 when there is no such organisation */
    @WithSession
    public Uni<Organization> get(String id) {
        return repository.findById(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("organization '" + id + "' does not exist"))
                .map(OrganizationService::toOrganization);
    }

    /** Audit subject of an organisation. */
    public static String subject(String organizationId) {
        return "organization/" + organizationId;
    }

    private Uni<Void> requireParent(String parentId) {
        if (parentId == null) {
            return Uni.createFrom().voidItem();
        }
        return repository.findById(parentId).flatMap(parent -> parent == null
                ? Uni.createFrom().failure(ProblemException.invalidField("parent_organization",
                        "organization '" + parentId + "' does not exist"))
                : Uni.createFrom().voidItem());
    }

    private static OrganizationEntity toEntity(NewOrganization request) {
        OrganizationEntity entity = new OrganizationEntity();
        entity.id = request.id();
        entity.name = request.name();
        entity.tier = request.tier();
        entity.region = request.region();
        entity.parentOrganization = request.parentOrganization();
        entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return entity;
    }

    private static Organization toOrganization(OrganizationEntity entity) {
        return new Organization(entity.id, entity.name, entity.tier, entity.region, entity.parentOrganization,
                entity.createdAt);
    }
}
