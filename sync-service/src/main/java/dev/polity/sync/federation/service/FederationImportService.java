package dev.polity.sync.federation.service;

import dev.polity.contracts.json.CanonicalJson;
import dev.polity.contracts.json.Json;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import dev.polity.sync.config.DistributionConfig;
import dev.polity.sync.distribution.service.Republisher;
import dev.polity.sync.federation.repository.FederationSettingsEntity;
import dev.polity.sync.federation.repository.FederationSettingsRepository;
import dev.polity.sync.federation.repository.PolicySubscriptionEntity;
import dev.polity.sync.federation.repository.PolicySubscriptionRepository;
import dev.polity.sync.messaging.AuditEventPublisher;
import dev.polity.sync.messaging.SyncEventTypes;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.organization.service.NewOrganization;
import dev.polity.sync.organization.service.OrganizationService;
import dev.polity.sync.policy.repository.PolicyVersionRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports a federation file in one transaction: organisations (parents first; created, updated or
 * left alone), the policy hierarchy (replacing the previous file's), and the sync, conflict and
 * audit settings; then queues every organisation's bundle, whose contents may have changed.
 * Idempotent: the same file again changes nothing and publishes nothing new.
 */
@ApplicationScoped
public class FederationImportService {

    private final OrganizationRepository organizations;
    private final OrganizationService organizationService;
    private final PolicySubscriptionRepository subscriptions;
    private final FederationSettingsRepository settings;
    private final PolicyVersionRepository policies;
    private final AuditEventPublisher audit;
    private final Republisher republisher;
    private final DistributionConfig distribution;

    public FederationImportService(OrganizationRepository organizations, OrganizationService organizationService,
                                   PolicySubscriptionRepository subscriptions, FederationSettingsRepository settings,
                                   PolicyVersionRepository policies, AuditEventPublisher audit, Republisher republisher,
                                   DistributionConfig distribution) {
        this.organizations = organizations;
        this.organizationService = organizationService;
        this.subscriptions = subscriptions;
        this.settings = settings;
        this.policies = policies;
        this.audit = audit;
        this.republisher = republisher;
        this.distribution = distribution;
    }

    /** @throws ProblemException 400 naming the line for a malformed file or an unknown parent; 409 for another federation */
    @WithTransaction
    public Uni<ImportResult> importFile(String text, String actor) {
        FederationFile file;
        try {
            file = FederationFileParser.parse(text);
        } catch (FederationFileException e) {
            throw invalid(e);
        }
        return settings.current().flatMap(existing -> {
            if (existing != null && !existing.id.equals(file.id())) {
                return Uni.createFrom().failure(ProblemException.conflict("this central authority already governs federation '"
                        + existing.id + "'; it cannot import federation '" + file.id() + "'"));
            }
            return ordered(file).flatMap(members -> importOrganizations(members, actor))
                    .flatMap(outcome -> replaceHierarchy(file)
                            .flatMap(ignored -> storeSettings(existing, file))
                            .flatMap(ignored -> unresolved(file))
                            .flatMap(unresolved -> {
                                ImportResult result = new ImportResult(file.id(), file.name(), outcome.created(),
                                        outcome.updated(), outcome.unchanged(), file.hierarchy().size(), unresolved,
                                        file.ignoredKeys(), settingsView(file));
                                return audit.publish(SyncEventTypes.FEDERATION_IMPORTED, "federation/" + file.id(), null,
                                                actor, result)
                                        .flatMap(ignored -> republisher.forEveryOrganization("federation " + file.id() + " imported"))
                                        .replaceWith(result);
                            }));
        });
    }

    /** Hierarchy entries whose policy is not authored yet. */
    @WithSession
    public Uni<List<ImportResult.UnresolvedPolicy>> unresolved() {
        return subscriptions.everything().flatMap(all -> {
            Set<String> ids = new TreeSet<>();
            all.forEach(s -> ids.add(s.policyId));
            if (ids.isEmpty()) {
                return Uni.createFrom().item(List.of());
            }
            return policies.existingIds(ids).map(existing -> {
                Set<String> known = new HashSet<>(existing);
                Set<ImportResult.UnresolvedPolicy> missing = new LinkedHashSet<>();
                for (PolicySubscriptionEntity s : all) {
                    if (!known.contains(s.policyId)) {
                        missing.add(new ImportResult.UnresolvedPolicy(s.policyId, s.scopeLevel, s.scopeKey));
                    }
                }
                return List.copyOf(missing);
            });
        });
    }

    private Uni<List<ImportResult.UnresolvedPolicy>> unresolved(FederationFile file) {
        Set<String> ids = new TreeSet<>();
        file.hierarchy().forEach(entry -> ids.add(entry.policyId()));
        if (ids.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        return policies.existingIds(ids).map(existing -> {
            Set<String> known = new HashSet<>(existing);
            return file.hierarchy().stream().filter(entry -> !known.contains(entry.policyId()))
                    .map(entry -> new ImportResult.UnresolvedPolicy(entry.policyId(), entry.level(), entry.key()))
                    .distinct().toList();
        });
    }

    private record OrganizationOutcome(List<String> created, List<String> updated, List<String> unchanged) {
    }

    /** Parents before children; an unknown parent or a cycle names the line. */
    private Uni<List<FederationFile.Member>> ordered(FederationFile file) {
        Map<String, FederationFile.Member> byId = new LinkedHashMap<>();
        for (FederationFile.Member member : file.organizations()) {
            if (byId.put(member.organization().id(), member) != null) {
                throw invalid(new FederationFileException(member.line(), "organizations.id",
                        "organization '" + member.organization().id() + "' is listed twice"));
            }
        }
        Set<String> externalParents = new TreeSet<>();
        for (FederationFile.Member member : file.organizations()) {
            String parent = member.organization().parentOrganization();
            if (parent != null && !byId.containsKey(parent)) {
                externalParents.add(parent);
            }
        }
        Uni<Set<String>> known = Uni.createFrom().item(new HashSet<>());
        for (String parent : externalParents) {
            known = known.flatMap(set -> organizations.findById(parent).map(found -> {
                if (found != null) {
                    set.add(parent);
                }
                return set;
            }));
        }
        return known.map(existingParents -> {
            List<FederationFile.Member> result = new ArrayList<>();
            Set<String> placed = new HashSet<>();
            Set<String> visiting = new HashSet<>();
            for (FederationFile.Member member : file.organizations()) {
                place(member, byId, existingParents, placed, visiting, result);
            }
            return result;
        });
    }

    private void place(FederationFile.Member member, Map<String, FederationFile.Member> byId, Set<String> existingParents,
                       Set<String> placed, Set<String> visiting, List<FederationFile.Member> result) {
        String id = member.organization().id();
        if (placed.contains(id)) {
            return;
        }
        if (!visiting.add(id)) {
            throw invalid(new FederationFileException(member.parentLine(), "parent_org",
                    "organization '" + id + "' is its own ancestor"));
        }
        String parent = member.organization().parentOrganization();
        if (parent != null) {
            FederationFile.Member parentMember = byId.get(parent);
            if (parentMember != null) {
                place(parentMember, byId, existingParents, placed, visiting, result);
            } else if (!existingParents.contains(parent)) {
                throw invalid(new FederationFileException(member.parentLine(), "parent_org",
                        "parent organization '" + parent + "' of '" + id + "' is neither in the file nor in the federation"));
            }
        }
        visiting.remove(id);
        placed.add(id);
        result.add(member);
    }

    private Uni<OrganizationOutcome> importOrganizations(List<FederationFile.Member> members, String actor) {
        OrganizationOutcome outcome = new OrganizationOutcome(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (FederationFile.Member member : members) {
            NewOrganization organization = member.organization();
            chain = chain.flatMap(ignored -> organizations.findByIdLocked(organization.id()).flatMap(existing -> {
                if (existing == null) {
                    outcome.created().add(organization.id());
                    return organizationService.insert(organization, actor).replaceWithVoid();
                }
                if (OrganizationService.toOrganization(existing).sameContentAs(organization)) {
                    outcome.unchanged().add(organization.id());
                    return Uni.createFrom().voidItem();
                }
                outcome.updated().add(organization.id());
                return organizationService.apply(existing, organization, actor).replaceWithVoid();
            }));
        }
        return chain.replaceWith(outcome);
    }

    private Uni<Void> replaceHierarchy(FederationFile file) {
        List<PolicySubscriptionEntity> entries = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (FederationFile.HierarchyEntry entry : file.hierarchy()) {
            if (seen.add(entry.level() + "|" + entry.key() + "|" + entry.policyId())) {
                entries.add(PolicySubscriptionEntity.of(entry.level(), entry.key(), entry.policyId(),
                        PolicySubscriptionEntity.SOURCE_FEDERATION));
            }
        }
        return subscriptions.deleteFederationEntries()
                .flatMap(ignored -> subscriptions.flush())
                .flatMap(ignored -> entries.isEmpty() ? Uni.createFrom().voidItem() : subscriptions.persist(entries));
    }

    private Uni<Void> storeSettings(FederationSettingsEntity existing, FederationFile file) {
        FederationSettingsEntity entity = existing == null ? new FederationSettingsEntity() : existing;
        FederationFile.Sync sync = file.sync();
        entity.id = file.id();
        entity.name = file.name();
        entity.strategy = sync.strategy() == null ? "hierarchical" : sync.strategy();
        entity.requireApproval = sync.requireApproval() != null && sync.requireApproval();
        entity.approvalTimeoutSeconds = (sync.approvalTimeout() == null ? Duration.ofHours(72) : sync.approvalTimeout()).toSeconds();
        entity.syncIntervalSeconds = sync.syncInterval() == null ? null : sync.syncInterval().toSeconds();
        entity.batchSize = sync.batchSize();
        entity.maxRetries = sync.maxRetries() == null ? distribution.maxRetries() : sync.maxRetries();
        entity.backoffMultiplier = sync.backoffMultiplier() == null ? distribution.backoffMultiplier() : sync.backoffMultiplier();
        entity.maxBackoffSeconds = (sync.maxBackoff() == null ? distribution.maxBackoff() : sync.maxBackoff()).toSeconds();
        entity.auditConfiguration = canonical(file.audit());
        entity.document = canonical(settingsView(file));
        entity.importedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        return existing == null ? settings.persist(entity).replaceWithVoid() : Uni.createFrom().voidItem();
    }

    private static Map<String, Object> settingsView(FederationFile file) {
        FederationFile.Sync sync = file.sync();
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("strategy", sync.strategy() == null ? "hierarchical" : sync.strategy());
        view.put("require_approval", sync.requireApproval() != null && sync.requireApproval());
        view.put("approval_timeout_seconds", sync.approvalTimeout() == null ? null : sync.approvalTimeout().toSeconds());
        view.put("sync_interval_seconds", sync.syncInterval() == null ? null : sync.syncInterval().toSeconds());
        view.put("batch_size", sync.batchSize());
        view.put("max_retries", sync.maxRetries());
        view.put("backoff_multiplier", sync.backoffMultiplier());
        view.put("max_backoff_seconds", sync.maxBackoff() == null ? null : sync.maxBackoff().toSeconds());
        view.put("audit_configuration", file.audit());
        return view;
    }

    private static String canonical(Object value) {
        try {
            return new String(CanonicalJson.canonicalize(Json.mapper().readTree(Json.mapper().writeValueAsBytes(value))),
                    StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ProblemException invalid(FederationFileException e) {
        return new ProblemException(400, "invalid-federation-file", "Invalid federation file", e.getMessage(),
                List.of(new FieldError(e.field() == null ? "line " + e.line() : e.field(), e.getMessage())));
    }
}
