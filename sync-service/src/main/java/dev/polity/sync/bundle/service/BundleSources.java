package dev.polity.sync.bundle.service;

import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.contracts.policy.PolicyScope;
import dev.polity.contracts.policy.ScopeLevel;
import dev.polity.sync.bundle.repository.BundleEntity;
import dev.polity.sync.federation.repository.PolicySubscriptionEntity;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.override.repository.OverrideEntity;
import dev.polity.sync.policy.repository.PolicyVersionEntity;
import dev.polity.sync.policy.service.PolicyService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Everything the bundles of a set of organisations are built from, loaded once for all of them
 * (one query per kind, see {@code BundleService}), and the rules that pick one organisation's
 * policies out of it. Used within one transaction, by one thread at a time.
 */
final class BundleSources {

    /** Guards the parent chain against cycles; the organisation service refuses them, so this is belt and braces. */
    private static final int MAX_ANCESTORS = 32;

    /** The organisations being built and their ancestors, by id. */
    private final Map<String, OrganizationEntity> organizations;
    /** Latest policy versions that may apply to any of them (by scope or subscription), ordered by policy id. */
    private final List<PolicyVersionEntity> candidates;
    private final Map<String, PolicyVersionEntity> candidatesByPolicyId;
    /** Subscriptions that reach at least one of them, ordered by policy id. */
    private final List<PolicySubscriptionEntity> subscriptions;
    /** Active overrides by organisation id, each list ordered by policy and team. */
    private final Map<String, List<OverrideEntity>> activeOverrides;
    /** The latest bundle of each of them that has one, by organisation id. */
    private final Map<String, BundleEntity> latestBundles;
    /** Candidates already parsed and checked against their SHA-256, by version id: most apply to every organisation. */
    private final Map<Long, PolicyDocument> verifiedDocuments = new HashMap<>();

    BundleSources(List<OrganizationEntity> organizationsWithAncestors, List<PolicyVersionEntity> candidates,
                  List<PolicySubscriptionEntity> subscriptions, List<OverrideEntity> activeOverrides,
                  List<BundleEntity> latestBundles) {
        this.organizations = organizationsWithAncestors.stream()
                .collect(Collectors.toMap(organization -> organization.id, Function.identity(), (a, b) -> a));
        this.candidates = candidates;
        this.candidatesByPolicyId = candidates.stream()
                .collect(Collectors.toMap(candidate -> candidate.policyId, Function.identity(), (a, b) -> a));
        this.subscriptions = subscriptions;
        this.activeOverrides = activeOverrides.stream()
                .collect(Collectors.groupingBy(override -> override.organizationId, LinkedHashMap::new, Collectors.toList()));
        this.latestBundles = latestBundles.stream()
                .collect(Collectors.toMap(bundle -> bundle.organizationId, Function.identity(), (a, b) -> a));
    }

    /** The organisation's latest bundle, or null when it has none. */
    BundleEntity latestBundle(String organizationId) {
        return latestBundles.get(organizationId);
    }

    /**
     * The latest version of every policy its scopes bring (global, its region, itself and its
     * teams, its ancestors' organisation policies) and of every policy it is subscribed to
     * (federation hierarchy, tier defaults), with its active overrides applied; ordered by id.
     *
     * @throws IllegalStateException when a stored policy no longer matches its SHA-256
     */
    List<PolicyDocument> applicablePolicies(OrganizationEntity organization) {
        List<String> ancestors = ancestors(organization);
        Map<String, PolicyDocument> applicable = new LinkedHashMap<>();
        for (PolicyVersionEntity candidate : candidates) {
            PolicyDocument document = verified(candidate);
            if (applies(document.scope(), organization, ancestors)) {
                applicable.put(document.id(), document);
            }
        }
        for (PolicySubscriptionEntity subscription : subscriptions) {
            PolicyVersionEntity subscribed = candidatesByPolicyId.get(subscription.policyId);
            // A subscribed id that is not authored yet is unresolved: never in a bundle.
            if (subscribed != null && reaches(subscription, organization) && !applicable.containsKey(subscription.policyId)) {
                applicable.put(subscription.policyId, verified(subscribed));
            }
        }
        for (OverrideEntity override : activeOverrides.getOrDefault(organization.id, List.of())) {
            PolicyDocument policy = applicable.get(override.policyId);
            if (policy != null) {
                applicable.put(policy.id(), Overrides.apply(policy, override));
            }
        }
        return applicable.values().stream().sorted(Comparator.comparing(PolicyDocument::id)).toList();
    }

    private static boolean applies(PolicyScope scope, OrganizationEntity organization, List<String> ancestors) {
        return scope.appliesTo(organization.id, organization.region)
                || (scope.level() == ScopeLevel.ORGANIZATION && ancestors.contains(scope.organization()));
    }

    /** Whether a subscription reaches the organisation: a global one, its region's, or its own. */
    private static boolean reaches(PolicySubscriptionEntity subscription, OrganizationEntity organization) {
        return switch (subscription.scopeLevel) {
            case "global" -> true;
            case "regional" -> subscription.scopeKey.equals(organization.region);
            case "organization" -> subscription.scopeKey.equals(organization.id);
            default -> false;
        };
    }

    /** Ids of the organisation's parent, grandparent, ... nearest first. */
    private List<String> ancestors(OrganizationEntity organization) {
        List<String> found = new ArrayList<>();
        OrganizationEntity current = organization;
        while (current.parentOrganization != null && found.size() < MAX_ANCESTORS
                && !current.parentOrganization.equals(organization.id) && !found.contains(current.parentOrganization)) {
            OrganizationEntity parent = organizations.get(current.parentOrganization);
            if (parent == null) {
                break;
            }
            found.add(parent.id);
            current = parent;
        }
        return found;
    }

    private PolicyDocument verified(PolicyVersionEntity candidate) {
        return verifiedDocuments.computeIfAbsent(candidate.id, id -> {
            PolicyDocument document = PolicyService.document(candidate);
            if (!PolicyDocuments.sha256(document).equals(candidate.sha256)) {
                throw new IllegalStateException("stored policy " + candidate.policyId + " v" + candidate.version
                        + " no longer matches its SHA-256");
            }
            return document;
        });
    }
}
