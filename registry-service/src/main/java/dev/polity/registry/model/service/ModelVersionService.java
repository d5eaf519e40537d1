package dev.polity.registry.model.service;

import dev.polity.contracts.events.EventTypes;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.repository.ModelRepository;
import dev.polity.registry.model.repository.ModelVersionEntity;
import dev.polity.registry.model.repository.ModelVersionRepository;
import dev.polity.registry.outbox.AuditEvents;
import dev.polity.registry.security.Actor;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Registers and reads model versions and changes models. Every change queues its audit event in the
 * same transaction; every read checks that the caller's organisation may see the model (a model it
 * may not see answers 404, as if it did not exist).
 */
@ApplicationScoped
public class ModelVersionService {

    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final AuditEvents audit;
    private final ModelVersionMapper mapper;

    ModelVersionService(ModelRepository models, ModelVersionRepository versions, AuditEvents audit,
                        ModelVersionMapper mapper) {
        this.models = models;
        this.versions = versions;
        this.audit = audit;
        this.mapper = mapper;
    }

    /**
     * Stores a new version, creating the model on its first version and applying the registration's
     * model facts, assesses its risk, and queues its audit event in the same transaction. Validate with
     * {@link ModelVersionRules#requireValidRegistration} first; {@code actor} belongs to {@code org}.
     *
     * @throws ProblemException 409 when the model already has this version
     */
    @WithTransaction
    public Uni<ModelVersionView> register(Actor actor, String org, String name, SemanticVersion semver,
                                          RegisterModelVersion request) {
        Instant now = now();
        return models.findOrCreate(org, name, actor.subject(), now)
                .call(model -> versions.versionExists(model.id, request.version()).invoke(exists -> {
                    if (exists) {
                        throw duplicate(org, name, request.version());
                    }
                }))
                .call(model -> applyFacts(actor, model, request.model(), now))
                .chain(model -> versions.persist(newVersion(actor, model, semver, request, now))
                        .call(version -> models.refreshSearch(model.id)))
                .map(mapper::toView)
                .call(view -> audit.record(EventTypes.MODEL_REGISTERED, AuditEvents.modelSubject(org, name), org,
                        actor.subject(), view, now));
    }

    /** Changes what the owner says about a model; fields not given keep their values. */
    @WithTransaction
    public Uni<ModelView> updateModel(Actor actor, String org, String name, ModelFacts facts) {
        Instant now = now();
        return requireModel(org, name)
                .call(model -> applyFacts(actor, model, facts, now))
                .chain(this::withVersionSummary);
    }

    @WithSession
    public Uni<ModelVersionView> getVersion(Actor actor, String org, String name, String version) {
        return requireVisibleModel(actor, org, name)
                .chain(model -> versions.findVersion(model.id, version))
                .map(entity -> {
                    if (entity == null) {
                        throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
                    }
                    return mapper.toView(entity);
                });
    }

    @WithSession
    public Uni<ModelVersionList> listVersions(Actor actor, String org, String name) {
        return requireVisibleModel(actor, org, name)
                .chain(model -> versions.listNewestFirst(model.id))
                .map(list -> new ModelVersionList(org, name, list.stream().map(mapper::toView).toList()));
    }

    @WithSession
    public Uni<ModelView> getModel(Actor actor, String org, String name) {
        return requireVisibleModel(actor, org, name).chain(this::withVersionSummary);
    }

    /** The problem for a second registration of a version, also used when the database catches the race. */
    public static ProblemException duplicate(String org, String name, String version) {
        return ProblemException.conflict("model " + org + "/" + name + " already has version " + version
                + "; registered versions are immutable, register a new version instead");
    }

    /**
     * The model if {@code actor}'s organisation may see it; 404 both when it does not exist and when it
     * may not be seen, so that nobody learns of models they may not see. Call inside a session.
     */
    public Uni<ModelEntity> requireVisibleModel(Actor actor, String org, String name) {
        return models.findByOrganizationAndName(org, name).chain(model -> {
            if (model == null) {
                return Uni.createFrom().failure(notFound(org, name));
            }
            if (model.organization.equals(actor.organization()) || AccessLevel.PUBLIC.wireName().equals(model.accessLevel)) {
                return Uni.createFrom().item(model);
            }
            return models.isVisibleTo(model.id, actor.organization()).map(visible -> {
                if (!visible) {
                    throw notFound(org, name);
                }
                return model;
            });
        });
    }

    /** The model, which must exist; call inside a session. */
    public Uni<ModelEntity> requireModel(String org, String name) {
        return models.findByOrganizationAndName(org, name).map(model -> {
            if (model == null) {
                throw notFound(org, name);
            }
            return model;
        });
    }

    private static ProblemException notFound(String org, String name) {
        return ProblemException.notFound("no model " + org + "/" + name);
    }

    private Uni<ModelView> withVersionSummary(ModelEntity model) {
        return versions.countVersions(model.id)
                .chain(count -> versions.findNewest(model.id)
                        .map(newest -> mapper.toView(model, count, newest == null ? null : newest.version)));
    }

    /** Applies the given facts; when anything changed, queues a {@code polity.model.updated} event. */
    private Uni<Void> applyFacts(Actor actor, ModelEntity model, ModelFacts facts, Instant now) {
        if (facts == null) {
            return Uni.createFrom().voidItem();
        }
        List<String> changed = new ArrayList<>();
        if (facts.description() != null && !facts.description().equals(model.description)) {
            model.description = facts.description();
            changed.add("description");
        }
        if (facts.owningTeam() != null && !facts.owningTeam().equals(model.owningTeam)) {
            model.owningTeam = facts.owningTeam();
            changed.add("owning_team");
        }
        if (facts.domain() != null && !facts.domain().toLowerCase(Locale.ROOT).equals(model.domain)) {
            model.domain = facts.domain().toLowerCase(Locale.ROOT);
            changed.add("domain");
        }
        if (facts.tags() != null && !List.copyOf(facts.tags()).equals(model.tags == null ? List.of() : List.of(model.tags))) {
            model.tags = facts.tags().toArray(String[]::new);
            changed.add("tags");
        }
        if (facts.accessLevel() != null && !facts.accessLevel().equals(model.accessLevel)) {
            model.accessLevel = facts.accessLevel();
            changed.add("access_level");
        }
        if (facts.researchUseApproved() != null && facts.researchUseApproved() != model.researchUseApproved) {
            model.researchUseApproved = facts.researchUseApproved();
            changed.add("research_use_approved");
        }
        if (facts.academicUseApproved() != null && facts.academicUseApproved() != model.academicUseApproved) {
            model.academicUseApproved = facts.academicUseApproved();
            changed.add("academic_use_approved");
        }
        if (facts.userFacing() != null && facts.userFacing() != model.userFacing) {
            model.userFacing = facts.userFacing();
            changed.add("user_facing");
        }
        if (facts.autonomousDecisions() != null && facts.autonomousDecisions() != model.autonomousDecisions) {
            model.autonomousDecisions = facts.autonomousDecisions();
            changed.add("autonomous_decisions");
        }
        if (changed.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        model.updatedAt = now;
        model.updatedBy = actor.subject();
        ModelUpdated event = new ModelUpdated(mapper.toView(model, null, null), List.copyOf(changed));
        return models.refreshSearch(model.id)
                .call(() -> audit.record(EventTypes.MODEL_UPDATED, AuditEvents.modelSubject(model.organization, model.name),
                        model.organization, actor.subject(), event, now));
    }

    /** The data of a {@code polity.model.updated} event: the model after the change and what changed. */
    public record ModelUpdated(ModelView model, List<String> changedFields) {
    }

    private ModelVersionEntity newVersion(Actor actor, ModelEntity model, SemanticVersion semver,
                                          RegisterModelVersion request, Instant now) {
        ModelVersionEntity entity = new ModelVersionEntity();
        entity.modelId = model.id;
        entity.organization = model.organization;
        entity.modelName = model.name;
        entity.version = request.version();
        entity.versionMajor = semver.major();
        entity.versionMinor = semver.minor();
        entity.versionPatch = semver.patch();
        entity.artifactUri = request.artifactUri();
        entity.artifactSha256 = request.artifactSha256().toLowerCase(Locale.ROOT);
        entity.framework = request.framework();
        entity.modelType = request.modelType();
        entity.description = request.description();
        entity.lineage = mapper.toDocument(request.lineage());
        entity.performanceMetrics = mapper.toDocument(request.performanceMetrics());
        entity.fairnessMetrics = mapper.toDocument(request.fairnessMetrics());
        entity.trainingData = mapper.toDocument(request.trainingData());
        entity.modelCard = mapper.toDocument(request.modelCard());
        entity.createdBy = request.createdBy();
        entity.registeredBy = actor.subject();
        boolean pii = request.trainingData() != null && Objects.equals(request.trainingData().containsPii(), Boolean.TRUE);
        RiskAssessment risk = RiskAssessment.assess(model.domain, model.userFacing, model.autonomousDecisions, pii);
        entity.riskLevel = risk.level();
        entity.riskScore = risk.score();
        entity.riskInputs = mapper.toDocument(risk.inputs());
        entity.accessLevel = model.accessLevel;
        entity.status = VersionStatus.DEVELOPMENT.wireName();
        entity.statusChangedAt = now;
        entity.registeredAt = now;
        return entity;
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
