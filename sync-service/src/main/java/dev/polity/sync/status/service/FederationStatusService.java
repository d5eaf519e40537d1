package dev.polity.sync.status.service;

import dev.polity.contracts.json.Json;
import dev.polity.sync.bundle.repository.BundleEntity;
import dev.polity.sync.bundle.repository.BundleRepository;
import dev.polity.sync.config.FederationConfig;
import dev.polity.sync.distribution.repository.BundlePublicationEntity;
import dev.polity.sync.distribution.repository.BundlePublicationRepository;
import dev.polity.sync.federation.repository.FederationSettingsRepository;
import dev.polity.sync.federation.service.FederationImportService;
import dev.polity.sync.organization.repository.OrganizationEntity;
import dev.polity.sync.organization.repository.OrganizationRepository;
import dev.polity.sync.status.repository.NodeStatusEntity;
import dev.polity.sync.status.repository.NodeStatusRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Puts together the federation status from bundles, the outbox and the nodes' reports. */
@ApplicationScoped
public class FederationStatusService {

    private final OrganizationRepository organizations;
    private final BundleRepository bundles;
    private final BundlePublicationRepository publications;
    private final NodeStatusRepository nodes;
    private final FederationSettingsRepository settings;
    private final FederationImportService imports;
    private final FederationConfig config;

    public FederationStatusService(OrganizationRepository organizations, BundleRepository bundles,
                                   BundlePublicationRepository publications, NodeStatusRepository nodes,
                                   FederationSettingsRepository settings, FederationImportService imports,
                                   FederationConfig config) {
        this.organizations = organizations;
        this.bundles = bundles;
        this.publications = publications;
        this.nodes = nodes;
        this.settings = settings;
        this.imports = imports;
        this.config = config;
    }

    /** @param organizationId only this organisation, or null for all */
    @WithSession
    public Uni<FederationStatus> status(String organizationId) {
        return settings.current().flatMap(federation -> organizations.listOrderedById()
                .flatMap(orgs -> bundles.listLatest()
                        .flatMap(latest -> publications.everything()
                                .flatMap(queued -> nodes.everything()
                                        .flatMap(reports -> imports.unresolved()
                                                .map(unresolved -> assemble(federation == null ? null : federation.id,
                                                        federation == null ? null : federation.name, orgs, latest, queued,
                                                        reports, unresolved, organizationId)))))));
    }

    private FederationStatus assemble(String federationId, String federationName, List<OrganizationEntity> orgs,
                                      List<BundleEntity> latest, List<BundlePublicationEntity> queued,
                                      List<NodeStatusEntity> reports,
                                      List<dev.polity.sync.federation.service.ImportResult.UnresolvedPolicy> unresolved,
                                      String only) {
        Instant now = Instant.now();
        Duration silentAfter = config.silentAfter();
        Map<String, OrganizationEntity> byId = new TreeMap<>();
        orgs.forEach(org -> byId.put(org.id, org));
        Map<String, BundleEntity> bundleOf = new LinkedHashMap<>();
        latest.forEach(bundle -> bundleOf.put(bundle.organizationId, bundle));
        Map<String, BundlePublicationEntity> queuedOf = new LinkedHashMap<>();
        queued.forEach(row -> queuedOf.put(row.organizationId, row));
        Map<String, List<NodeStatusEntity>> nodesOf = new TreeMap<>();
        reports.forEach(report -> nodesOf.computeIfAbsent(report.organizationId, id -> new ArrayList<>()).add(report));

        TreeMap<String, Boolean> ids = new TreeMap<>();
        byId.keySet().forEach(id -> ids.put(id, true));
        nodesOf.keySet().forEach(id -> ids.put(id, true));

        List<FederationStatus.OrganizationStatus> result = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        int total = 0;
        int inSync = 0;
        int silent = 0;
        for (String id : ids.keySet()) {
            if (only != null && !only.equals(id)) {
                continue;
            }
            BundleEntity expected = bundleOf.get(id);
            List<FederationStatus.NodeView> views = new ArrayList<>();
            for (NodeStatusEntity node : nodesOf.getOrDefault(id, List.of())) {
                Instant lastReport = node.reportedAt == null ? node.receivedAt : node.reportedAt;
                boolean isSilent = lastReport.isBefore(now.minus(silentAfter));
                Long lag = expected == null || node.activeRevision == null ? null
                        : Math.max(0, expected.revision - node.activeRevision);
                boolean synced = expected != null && node.activeRevision != null
                        && node.activeRevision == expected.revision && expected.digest.equals(node.activeDigest);
                Long lagSeconds = synced || expected == null ? null
                        : Math.max(0, Duration.between(expected.createdAt, now).toSeconds());
                if (node.propagationMillis != null) {
                    latencies.add(node.propagationMillis);
                }
                total++;
                inSync += synced ? 1 : 0;
                silent += isSilent ? 1 : 0;
                views.add(new FederationStatus.NodeView(node.nodeId, node.region, node.activeRevision, node.activeDigest,
                        node.activatedAt, lag, lagSeconds, synced, lastReport, node.lastError, node.lastErrorAt, isSilent,
                        node.propagationMillis, decisions(node.decisionsTotal)));
            }
            BundlePublicationEntity row = queuedOf.get(id);
            FederationStatus.Publication publication = row == null ? null
                    : new FederationStatus.Publication(row.failed ? "failed" : row.attempts > 0 ? "retrying" : "queued",
                    row.attempts, row.nextAttemptAt, row.lastError, row.reason);
            OrganizationEntity org = byId.get(id);
            result.add(new FederationStatus.OrganizationStatus(id, org == null ? null : org.region,
                    expected == null ? null : expected.revision, expected == null ? null : expected.digest,
                    expected == null ? null : expected.createdAt, publication, views));
        }
        latencies.sort(Long::compare);
        FederationStatus.Propagation propagation = new FederationStatus.Propagation(latencies.size(),
                percentile(latencies, 0.50), percentile(latencies, 0.99),
                latencies.isEmpty() ? null : latencies.getLast());
        return new FederationStatus(federationId, federationName, now.truncatedTo(ChronoUnit.MILLIS),
                silentAfter.toSeconds(), total, inSync, silent, propagation, unresolved, result);
    }

    private static Long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return null;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static com.fasterxml.jackson.databind.JsonNode decisions(String json) {
        if (json == null) {
            return null;
        }
        try {
            return Json.mapper().readTree(json);
        } catch (java.io.IOException e) {
            return null;
        }
    }
}
