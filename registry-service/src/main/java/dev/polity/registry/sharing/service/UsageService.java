package dev.polity.registry.sharing.service;

import dev.polity.contracts.events.EventTypes;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.repository.ModelRepository;
import dev.polity.registry.model.repository.ModelVersionEntity;
import dev.polity.registry.model.repository.ModelVersionRepository;
import dev.polity.registry.model.service.ModelVersionService;
import dev.polity.registry.model.service.VersionStatus;
import dev.polity.registry.outbox.AuditEvents;
import dev.polity.registry.security.Actor;
import dev.polity.registry.sharing.repository.AccessGrantEntity;
import dev.polity.registry.sharing.repository.AccessGrantRepository;
import dev.polity.registry.sharing.repository.UsageRecordEntity;
import dev.polity.registry.sharing.repository.UsageRecordRepository;
import dev.polity.registry.sharing.service.AccessViews.UsageRecorded;
import dev.polity.registry.sharing.service.AccessViews.UsageRequest;
import dev.polity.registry.sharing.service.AccessViews.UsageSummary;
import dev.polity.registry.sharing.service.AccessViews.UsageTotal;
import dev.polity.support.problem.FieldError;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Usage of versions: counted per version (the search ranks by it) and per grant. The owner uses its own
 * models freely; any other organisation needs a valid grant, and usage without one is refused and the
 * refusal audited. Retired versions take no usage.
 */
@ApplicationScoped
public class UsageService {

    public static final Set<String> KINDS = Set.of("download", "inference", "training");
    private static final long MAX_QUANTITY = 1_000_000_000L;

    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final ModelVersionService modelService;
    private final AccessGrantRepository grants;
    private final UsageRecordRepository usage;
    private final AuditEvents audit;

    UsageService(ModelRepository models, ModelVersionRepository versions, ModelVersionService modelService,
                 AccessGrantRepository grants, UsageRecordRepository usage, AuditEvents audit) {
        this.models = models;
        this.versions = versions;
        this.modelService = modelService;
        this.grants = grants;
        this.usage = usage;
        this.audit = audit;
    }

    public Uni<UsageRecorded> record(Actor actor, String org, String name, String version, UsageRequest body) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null) {
            throw ProblemException.invalidField("body", "is required");
        }
        if (body.kind() == null || !KINDS.contains(body.kind())) {
            errors.add(new FieldError("kind", "must be one of download, inference, training"));
        }
        long quantity = body.quantity() == null ? 1 : body.quantity();
        if (quantity < 1 || quantity > MAX_QUANTITY) {
            errors.add(new FieldError("quantity", "must be between 1 and " + MAX_QUANTITY));
        }
        UUID grantId = null;
        if (body.grantId() != null) {
            try {
                grantId = UUID.fromString(body.grantId());
            } catch (IllegalArgumentException e) {
                errors.add(new FieldError("grant_id", "must be a grant id (a UUID)"));
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        UUID wantedGrant = grantId;
        Instant now = now();
        String subject = AuditEvents.modelSubject(org, name);
        boolean owner = org.equals(actor.organization());
        return Panache.withTransaction(() -> models.findByOrganizationAndName(org, name).chain(model -> {
            if (model == null) {
                throw ProblemException.notFound("no model " + org + "/" + name);
            }
            return versions.findVersion(model.id, version).chain(entity -> {
                if (entity == null) {
                    throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
                }
                if (owner) {
                    return store(actor, model, entity, null, body.kind(), quantity, now);
                }
                Uni<AccessGrantEntity> found = wantedGrant != null
                        ? grants.findById(wantedGrant, LockModeType.PESSIMISTIC_WRITE).map(g -> g != null && g.modelId.equals(model.id)
                        && g.organization.equals(actor.organization()) && g.isValidAt(now) ? g : null)
                        : grants.findValid(model.id, actor.organization(), now);
                return found.call(grant -> grant != null ? Uni.createFrom().voidItem()
                        // Without a grant, a model the organisation may not see stays unknown to it.
                        : models.isVisibleTo(model.id, actor.organization()).invoke(visible -> {
                            if (!visible) {
                                throw ProblemException.notFound("no model " + org + "/" + name);
                            }
                        }).replaceWithVoid()).chain(grant -> {
                    if (grant == null) {
                        Map<String, Object> refused = new LinkedHashMap<>();
                        refused.put("organization", org);
                        refused.put("name", name);
                        refused.put("version", version);
                        refused.put("using_organization", actor.organization());
                        refused.put("kind", body.kind());
                        refused.put("quantity", quantity);
                        refused.put("reason", wantedGrant != null ? "grant " + wantedGrant + " is not a valid grant of the organisation"
                                : "the organisation holds no valid grant for the model");
                        return audit.record(EventTypes.MODEL_USAGE_REFUSED, subject, org, actor.subject(), refused, now)
                                .replaceWith((UsageRecorded) null);
                    }
                    return store(actor, model, entity, grant, body.kind(), quantity, now);
                });
            });
        })).map(recorded -> {
            if (recorded == null) {
                throw ProblemException.forbidden("organization '" + actor.organization() + "' holds no valid grant to use "
                        + org + "/" + name + (wantedGrant != null ? " under grant " + wantedGrant : "")
                        + "; request access first (POST /api/v1/models/" + org + "/" + name + "/access-requests)");
            }
            return recorded;
        });
    }

    /** Usage totals of a version by organisation and kind: all of them for the owner, the caller's own otherwise. */
    public Uni<UsageSummary> summary(Actor actor, String org, String name, String version) {
        return Panache.withSession(() -> modelService.requireVisibleModel(actor, org, name)
                .chain(model -> versions.findVersion(model.id, version))
                .chain(entity -> {
                    if (entity == null) {
                        throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
                    }
                    return usage.totals(entity.id).map(rows -> {
                        List<UsageTotal> totals = new ArrayList<>();
                        for (Object[] row : rows) {
                            String organization = (String) row[0];
                            if (org.equals(actor.organization()) || organization.equals(actor.organization())) {
                                totals.add(new UsageTotal(organization, (String) row[1], ((Number) row[2]).longValue()));
                            }
                        }
                        return new UsageSummary(org, name, version, entity.usageCount, totals);
                    });
                }));
    }

    private Uni<UsageRecorded> store(Actor actor, ModelEntity model, ModelVersionEntity version, AccessGrantEntity grant,
                                     String kind, long quantity, Instant now) {
        if (VersionStatus.RETIRED.wireName().equals(version.status)) {
            throw ProblemException.conflict("version " + version.version + " of " + model.organization + "/" + model.name
                    + " is retired and cannot be used");
        }
        UsageRecordEntity record = new UsageRecordEntity();
        record.versionId = version.id;
        record.grantId = grant == null ? null : grant.id;
        record.organization = actor.organization();
        record.kind = kind;
        record.quantity = quantity;
        record.recordedBy = actor.subject();
        record.recordedAt = now;
        return usage.persist(record)
                .chain(() -> versions.addUsage(version.id, quantity))
                .chain(versionTotal -> (grant == null ? Uni.createFrom().<Long>nullItem() : grants.addUsage(grant.id, quantity))
                        .map(grantTotal -> new UsageRecorded(model.organization, model.name, version.version, actor.organization(),
                                kind, quantity, record.grantId, versionTotal, grantTotal, actor.subject(), now)))
                .call(recorded -> audit.record(EventTypes.MODEL_USAGE_RECORDED,
                        AuditEvents.modelSubject(model.organization, model.name), model.organization, actor.subject(), recorded, now));
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
