package dev.polity.sync.organization.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import dev.polity.contracts.events.EventTypes;
import dev.polity.contracts.json.Json;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.common.Outcome;
import dev.polity.sync.config.FederationConfig;
import dev.polity.sync.distribution.service.Republisher;
import dev.polity.sync.federation.repository.PolicySubscriptionEntity;
import dev.polity.sync.federation.repository.PolicySubscriptionRepository;
import dev.polity.sync.distribution.repository.BundlePublicationRepository;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.override.repository.OverrideRepository;
import dev.polity.sync.policy.repository.PolicyVersionEntity;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import dev.polity.sync.status.repository.NodeStatusRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Federation membership. Every change is published on {@code polity.federation.organizations}
 * and audited before the transaction commits; a new organisation is subscribed to its tier's
 * default policy set and gets its first bundle; a change of region, parent or tier republishes
 * the bundles it affects.
 */
@ApplicationScoped
public class OrganizationService {

    private static final int MAX_ANCESTORS = 32;

    private final OrganizationRepository repository;
    private final OrganizationPublisher publisher;
    private final AuditEventPublisher audit;
    private final PolicySubscriptionRepository subscriptions;
    private final Republisher republisher;
    private final FederationConfig config;
    private final PolicyVersionRepository policies;
    private final OverrideRepository overrides;
    private final BundlePublicationRepository publications;
    private final NodeStatusRepository nodes;

    public OrganizationService(OrganizationRepository repository, OrganizationPublisher publisher,
                               AuditEventPublisher audit, PolicySubscriptionRepository subscriptions,
                               Republisher republisher, FederationConfig config, PolicyVersionRepository policies,
                               OverrideRepository overrides, BundlePublicationRepository publications,
                               NodeStatusRepository nodes) {
        this.repository = repository;
        this.publisher = publisher;
        this.audit = audit;
        this.subscriptions = subscriptions;
        this.republisher = republisher;
        this.config = config;
        this.policies = policies;
        this.overrides = overrides;
        this.publications = publications;
        this.nodes = nodes;
    }

    /**
     * Creates an organisation; creating the same organisation again is a no-op; a different one
     * under a taken id is a conflict.
     */
    @WithTransaction
    public Uni<Outcome<Organization>> create(NewOrganization request, String actor) {
        OrganizationValidator.validate(request);
        return repository.findById(request.id()).flatMap(existing -> {
            if (existing != null) {
                Organization current = toOrganization(existing);
                if (current.sameContentAs(request)) {
                    return Uni.createFrom().item(Outcome.existing(current));
                }
                return Uni.createFrom().failure(ProblemException.conflict("organization '" + request.id()
                        + "' already exists with different content; change it with PUT /api/v1/organizations/" + request.id()));
            }
            return requireParent(request.id(), request.parentOrganization())
                    .flatMap(ignored -> insert(request, actor))
                    .map(Outcome::created);
        });
    }

    /** Replaces an organisation's fields (its id stays). 404 when it does not exist. */
    @WithTransaction
    public Uni<Outcome<Organization>> update(String id, NewOrganization request, String actor) {
        if (request != null && request.id() != null && !request.id().equals(id)) {
            throw ProblemException.invalidField("id", "must be absent or '" + id + "': an organization's id never changes");
        }
        NewOrganization withId = request == null ? null : request.withId(id);
        OrganizationValidator.validate(withId);
        return repository.findByIdLocked(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("organization '" + id + "' does not exist"))
                .flatMap(existing -> {
                    Organization before = toOrganization(existing);
                    if (before.sameContentAs(withId)) {
                        return Uni.createFrom().item(Outcome.existing(before));
                    }
                    return requireParent(id, withId.parentOrganization())
                            .flatMap(ignored -> apply(existing, withId, actor))
                            .map(Outcome::created);
                });
    }

    /** Inserts a new organisation (the caller validated it and checked its parent). Joins the caller's transaction. */
    public Uni<Organization> insert(NewOrganization request, String actor) {
        NewOrganization normalized = request.normalized();
        OrganizationEntity entity = new OrganizationEntity();
        entity.id = normalized.id();
        fill(entity, normalized);
        entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return repository.persistAndFlush(entity)
                .flatMap(stored -> subscribeTierDefaults(stored.id, stored.tier))
                .map(ignored -> toOrganization(entity))
                .call(publisher::publish)
                .call(organization -> audit.publish(EventTypes.ORGANIZATION_CHANGED, subject(organization.id()),
                        organization.id(), actor, new OrganizationChanged("created", organization)))
                .call(organization -> republisher.request(List.of(organization.id()), "organization created"));
    }

    /** Applies new content to a locked, existing organisation. Joins the caller's transaction. */
    public Uni<Organization> apply(OrganizationEntity existing, NewOrganization request, String actor) {
        NewOrganization normalized = request.normalized();
        boolean bundleChanges = !existing.region.equals(normalized.region())
                || !Objects.equals(existing.parentOrganization, normalized.parentOrganization());
        boolean tierChanges = !existing.tier.equals(normalized.tier());
        fill(existing, normalized);
        existing.updatedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Uni<Void> tier = tierChanges ? subscribeTierDefaults(existing.id, existing.tier) : Uni.createFrom().voidItem();
        return repository.flush()
                .flatMap(ignored -> tier)
                .map(ignored -> toOrganization(existing))
                .call(publisher::publish)
                .call(organization -> audit.publish(EventTypes.ORGANIZATION_CHANGED, subject(organization.id()),
                        organization.id(), actor, new OrganizationChanged("updated", organization)))
                .call(organization -> bundleChanges || tierChanges
                        ? republisher.forOrganizationTree(organization.id(), "organization changed")
                        : Uni.createFrom().voidItem());
    }

    /**
     * Removes an organisation from the federation, in one transaction: its row, its overrides, its
     * outbox row, its subscriptions and its nodes' reports are deleted; a tombstone for its key on
     * {@code polity.federation.organizations} and a {@code polity.organization.removed} event are
     * acknowledged before the commit. Its bundles and the policy history stay. The same id can be
     * created again (POST or a federation import).
     *
     * @return the organisation as it was
     * @throws ProblemException 404 when it does not exist; 409 while organisations name it as their
     *                          parent or policies are scoped to it (policies cannot be retired)
     */
    @WithTransaction
    public Uni<Organization> remove(String id, String actor) {
        return repository.findByIdForRemoval(id)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("organization '" + id + "' does not exist"))
                .call(existing -> requireRemovable(id))
                .map(OrganizationService::toOrganization)
                .call(ignored -> overrides.deleteOfOrganization(id))
                .call(ignored -> publications.deleteOfOrganization(id))
                .call(ignored -> subscriptions.deleteOfOrganization(id))
                .call(ignored -> nodes.deleteOfOrganization(id))
                .call(ignored -> repository.delete("id", id))
                .call(ignored -> publisher.publishRemoval(id))
                .call(organization -> audit.publish(EventTypes.ORGANIZATION_REMOVED, subject(id), id, actor,
                        new OrganizationChanged("removed", organization)));
    }

    /** 409 naming every child organisation and every policy scoped to the organisation. */
    private Uni<Void> requireRemovable(String id) {
        return repository.childIds(id).flatMap(children -> policies.listLatestScopedTo(id).map(scoped -> {
            List<String> reasons = new ArrayList<>();
            if (!children.isEmpty()) {
                reasons.add("organization" + (children.size() == 1 ? " '" : "s '") + String.join("', '", children)
                        + "' name" + (children.size() == 1 ? "s" : "") + " it as parent_organization"
                        + " (delete or re-parent " + (children.size() == 1 ? "it" : "them") + " first)");
            }
            if (!scoped.isEmpty()) {
                reasons.add("polic" + (scoped.size() == 1 ? "y " : "ies ")
                        + String.join(", ", scoped.stream().map(OrganizationService::describe).toList())
                        + (scoped.size() == 1 ? " is" : " are") + " scoped to it; policies cannot be retired,"
                        + " so an organisation is removable only while none is scoped to it or one of its teams");
            }
            if (!reasons.isEmpty()) {
                throw ProblemException.conflict("organization '" + id + "' cannot be deleted: "
                        + String.join("; ", reasons));
            }
            return null;
        })).replaceWithVoid();
    }

    private static String describe(PolicyVersionEntity version) {
        return "'" + version.policyId + "' (" + ("team".equals(version.scopeLevel)
                ? "team " + version.scopeTeam : version.scopeLevel) + " scope, version " + version.version + ")";
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

    /** The tier's default policy set (configuration {@code polity.federation.tier-defaults.<tier>}). */
    public List<String> tierDefaults(String tier) {
        return config.tierDefaults().getOrDefault(tier, List.of());
    }

    private Uni<Void> subscribeTierDefaults(String organizationId, String tier) {
        return subscriptions.deleteTierDefaults(organizationId).flatMap(ignored -> {
            List<PolicySubscriptionEntity> entries = tierDefaults(tier).stream()
                    .map(policyId -> PolicySubscriptionEntity.of("organization", organizationId, policyId,
                            PolicySubscriptionEntity.SOURCE_TIER_DEFAULT))
                    .toList();
            return entries.isEmpty() ? Uni.createFrom().voidItem() : subscriptions.persist(entries).replaceWithVoid();
        });
    }

    /** The parent must exist and must not be the organisation itself or one of its descendants. */
    private Uni<Void> requireParent(String id, String parentId) {
        if (parentId == null) {
            return Uni.createFrom().voidItem();
        }
        return repository.findById(parentId).flatMap(parent -> parent == null
                ? Uni.createFrom().failure(ProblemException.invalidField("parent_organization",
                        "organization '" + parentId + "' does not exist"))
                : noCycle(id, parent, 0));
    }

    private Uni<Void> noCycle(String id, OrganizationEntity ancestor, int depth) {
        if (ancestor.id.equals(id)) {
            return Uni.createFrom().failure(ProblemException.invalidField("parent_organization",
                    "organization '" + id + "' would become its own ancestor"));
        }
        if (ancestor.parentOrganization == null || depth >= MAX_ANCESTORS) {
            return Uni.createFrom().voidItem();
        }
        return repository.findById(ancestor.parentOrganization).flatMap(next -> next == null
                ? Uni.createFrom().voidItem() : noCycle(id, next, depth + 1));
    }

    private static void fill(OrganizationEntity entity, NewOrganization normalized) {
        entity.name = normalized.name();
        entity.tier = normalized.tier();
        entity.region = normalized.region();
        entity.parentOrganization = normalized.parentOrganization();
        entity.policyAuthority = normalized.policyAuthority();
        entity.partnershipType = normalized.partnershipType();
        entity.governanceEndpoint = normalized.governanceEndpoint();
        entity.trustedPartners = json(normalized.trustedPartners());
        entity.consortia = json(normalized.consortia());
    }

    public static Organization toOrganization(OrganizationEntity entity) {
        return new Organization(entity.id, entity.name, entity.tier, entity.region, entity.parentOrganization,
                entity.policyAuthority, entity.partnershipType, list(entity.trustedPartners), list(entity.consortia),
                entity.governanceEndpoint, entity.createdAt, entity.updatedAt);
    }

    private static String json(List<String> values) {
        try {
            return Json.mapper().writeValueAsString(values == null ? List.of() : values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> list(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return Json.mapper().readValue(json, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored list is not readable", e);
        }
    }
}
