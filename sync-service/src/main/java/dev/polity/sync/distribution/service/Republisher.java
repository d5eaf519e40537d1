package dev.polity.sync.distribution.service;

import dev.polity.contracts.policy.PolicyScope;
import dev.polity.sync.distribution.repository.BundlePublicationRepository;
import dev.polity.sync.federation.repository.PolicySubscriptionEntity;
import dev.polity.sync.federation.repository.PolicySubscriptionRepository;
import dev.polity.sync.organization.repository.OrganizationRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Works out which organisations' bundles a change affects and records, in the caller's
 * transaction, that they must be republished (the outbox). After the transaction commits, the
 * caller kicks the {@link PublicationWorker}, which publishes at once.
 */
@ApplicationScoped
public class Republisher {

    /** Guards the descendant walk against cycles. */
    private static final int MAX_DEPTH = 32;

    private final OrganizationRepository organizations;
    private final PolicySubscriptionRepository subscriptions;
    private final BundlePublicationRepository publications;

    public Republisher(OrganizationRepository organizations, PolicySubscriptionRepository subscriptions,
                       BundlePublicationRepository publications) {
        this.organizations = organizations;
        this.subscriptions = subscriptions;
        this.publications = publications;
    }

    /** Organisations a policy reaches through its scope(s) or a subscription to its id; queues each. */
    public Uni<List<String>> forPolicy(String policyId, Collection<PolicyScope> scopes, String reason) {
        Uni<Set<String>> affected = Uni.createFrom().item(new LinkedHashSet<>());
        for (PolicyScope scope : scopes) {
            if (scope != null) {
                affected = affected.flatMap(set -> reachedBy(scope).map(ids -> {
                    set.addAll(ids);
                    return set;
                }));
            }
        }
        return affected.flatMap(set -> subscriptions.ofPolicy(policyId).flatMap(subs -> subscribers(subs)
                        .map(ids -> {
                            set.addAll(ids);
                            return set;
                        })))
                .flatMap(set -> request(set, reason).replaceWith(List.copyOf(set)));
    }

    /** Queues the organisation and every descendant (their bundles inherit its organisation policies). */
    public Uni<List<String>> forOrganizationTree(String organizationId, String reason) {
        return withDescendants(organizationId)
                .flatMap(ids -> request(ids, reason).replaceWith(List.copyOf(ids)));
    }

    public Uni<List<String>> forEveryOrganization(String reason) {
        return organizations.allIds().flatMap(ids -> request(ids, reason).replaceWith(ids));
    }

    public Uni<Void> request(Collection<String> organizationIds, String reason) {
        if (organizationIds.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        // Sorted: concurrent transactions upsert rows in the same order and cannot deadlock.
        return publications.request(organizationIds.stream().distinct().sorted().toList(), reason).replaceWithVoid();
    }

    private Uni<List<String>> reachedBy(PolicyScope scope) {
        return switch (scope.level()) {
            case GLOBAL -> organizations.allIds();
            case REGIONAL -> organizations.idsInRegion(scope.region());
            case ORGANIZATION -> withDescendants(scope.organization()).map(List::copyOf);
            case TEAM -> Uni.createFrom().item(List.of(scope.organization()));
        };
    }

    private Uni<List<String>> subscribers(List<PolicySubscriptionEntity> subs) {
        Uni<Set<String>> result = Uni.createFrom().item(new LinkedHashSet<>());
        for (PolicySubscriptionEntity sub : subs) {
            Uni<List<String>> ids = switch (sub.scopeLevel) {
                case "global" -> organizations.allIds();
                case "regional" -> organizations.idsInRegion(sub.scopeKey);
                default -> Uni.createFrom().item(List.of(sub.scopeKey));
            };
            result = result.flatMap(set -> ids.map(found -> {
                set.addAll(found);
                return set;
            }));
        }
        return result.map(List::copyOf);
    }

    private Uni<Set<String>> withDescendants(String organizationId) {
        Set<String> found = new LinkedHashSet<>();
        found.add(organizationId);
        return descend(List.of(organizationId), found, 0);
    }

    private Uni<Set<String>> descend(List<String> level, Set<String> found, int depth) {
        if (level.isEmpty() || depth >= MAX_DEPTH) {
            return Uni.createFrom().item(found);
        }
        Uni<List<String>> next = Uni.createFrom().item(new ArrayList<>());
        for (String parent : level) {
            next = next.flatMap(list -> organizations.childIds(parent).map(children -> {
                for (String child : children) {
                    if (found.add(child)) {
                        list.add(child);
                    }
                }
                return list;
            }));
        }
        return next.flatMap(children -> descend(children, found, depth + 1));
    }
}
