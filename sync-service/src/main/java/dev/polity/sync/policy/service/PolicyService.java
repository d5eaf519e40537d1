package dev.polity.sync.policy.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.polity.contracts.events.EventTypes;
import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.json.Json;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.PolicyScope;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.common.Outcome;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.policy.repository.PolicyVersionEntity;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Policy authoring: every policy is a chain of immutable versions. In this skeleton a stored
 * version is active as soon as it is stored (approval workflows come later).
 */
@ApplicationScoped
public class PolicyService {

    private final PolicyVersionRepository versions;
    private final OrganizationRepository organizations;
    private final AuditEventPublisher audit;

    public PolicyService(PolicyVersionRepository versions, OrganizationRepository organizations,
                         AuditEventPublisher audit) {
        this.versions = versions;
        this.organizations = organizations;
        this.audit = audit;
    }

    /**
     * Stores {@code submitted} as the policy's next version (1 for a new policy) and emits
     * {@code polity.policy.created}. The service sets the document's version; a submitted version
     * is ignored. If the content equals the latest version's, nothing is stored and that version
     * is returned.
     */
    @WithTransaction
    public Uni<Outcome<StoredPolicy>> create(PolicyDocument submitted) {
        return requireScopeOrganization(submitted.scope())
                .flatMap(ignored -> versions.findLatest(submitted.id()))
                .flatMap(latest -> {
                    if (latest != null && PolicyDocuments.sha256(withVersion(submitted, latest.version)).equals(latest.sha256)) {
                        return Uni.createFrom().item(Outcome.existing(toStored(latest)));
                    }
                    int version = latest == null ? 1 : latest.version + 1;
                    PolicyDocument document = withVersion(submitted, version);
                    return versions.persistAndFlush(toEntity(document))
                            .call(entity -> audit.publish(EventTypes.POLICY_CREATED, subject(document.id()),
                                    document.scope().organization(),
                                    PolicyCreated.of(document.id(), version, entity.sha256, document.scope(),
                                            document.type().wireName(), document.enforcement().wireName())))
                            .map(entity -> Outcome.created(toStored(entity)));
                });
    }

    /** The latest version of every policy, ordered by id. */
    @WithSession
    public Uni<List<StoredPolicy>> listLatest() {
        return versions.listLatest().map(entities -> entities.stream().map(PolicyService::toStored).toList());
    }

    /** @throws ProblemException 404 when there is no such policy */
    @WithSession
    public Uni<StoredPolicy> latest(String policyId) {
        return versions.findLatest(policyId)
                .onItem().ifNull().failWith(() -> ProblemException.notFound("policy '" + policyId + "' does not exist"))
                .map(PolicyService::toStored);
    }

    /** @throws ProblemException 404 when there is no such policy or version */
    @WithSession
    public Uni<StoredPolicy> version(String policyId, int version) {
        return versions.findVersion(policyId, version)
                .onItem().ifNull().failWith(() -> ProblemException.notFound(
                        "policy '" + policyId + "' has no version " + version))
                .map(PolicyService::toStored);
    }

    /** Audit subject of a policy. */
    public static String subject(String policyId) {
        return "policy/" + policyId;
    }

    /** Reads a stored version's document back; it hashes exactly as it did when it was stored. */
    public static PolicyDocument document(PolicyVersionEntity entity) {
        try {
            return Json.mapper().readValue(entity.document, PolicyDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy " + entity.policyId + " v" + entity.version
                    + " is not readable", e);
        }
    }

    private Uni<Void> requireScopeOrganization(PolicyScope scope) {
        if (scope.organization() == null) {
            return Uni.createFrom().voidItem();
        }
        return organizations.findById(scope.organization()).flatMap(organization -> organization == null
                ? Uni.createFrom().failure(ProblemException.invalidField("scope.organization",
                        "organization '" + scope.organization() + "' does not exist"))
                : Uni.createFrom().voidItem());
    }

    static PolicyDocument withVersion(PolicyDocument p, int version) {
        return new PolicyDocument(p.id(), p.name(), p.description(), version, p.scope(), p.type(), p.enforcement(),
                p.match(), p.params(), p.rules(), p.conditions(), p.constraints());
    }

    private static PolicyVersionEntity toEntity(PolicyDocument document) {
        PolicyVersionEntity entity = new PolicyVersionEntity();
        entity.policyId = document.id();
        entity.version = document.version();
        entity.scopeLevel = document.scope().level().wireName();
        entity.scopeRegion = document.scope().region();
        entity.scopeOrganization = document.scope().organization();
        entity.scopeTeam = document.scope().team();
        entity.document = new String(CanonicalJson.canonicalize(document), StandardCharsets.UTF_8);
        entity.sha256 = PolicyDocuments.sha256(document);
        entity.createdAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return entity;
    }

    private static StoredPolicy toStored(PolicyVersionEntity entity) {
        try {
            return new StoredPolicy(entity.policyId, entity.version, entity.sha256, entity.createdAt,
                    Json.mapper().readTree(entity.document));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored policy " + entity.policyId + " v" + entity.version
                    + " is not readable", e);
        }
    }
}
