package dev.polity.registry.model.service;

import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.registry.config.RegistryConfig;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.repository.ModelRepository;
import dev.polity.registry.model.repository.ModelVersionEntity;
import dev.polity.registry.model.repository.ModelVersionRepository;
import dev.polity.registry.outbox.OutboxRepository;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/** Registers and reads model versions. Every registration queues a {@code polity.model.registered} audit event. */
@ApplicationScoped
public class ModelVersionService {

    private static final String JSON = "application/json";

    private final ModelRepository models;
    private final ModelVersionRepository versions;
    private final OutboxRepository outbox;
    private final ModelVersionMapper mapper;
    private final RegistryConfig config;

    ModelVersionService(ModelRepository models, ModelVersionRepository versions, OutboxRepository outbox,
                        ModelVersionMapper mapper, RegistryConfig config) {
        this.models = models;
        this.versions = versions;
        this.outbox = outbox;
        this.mapper = mapper;
        this.config = config;
    }

    /**
     * Stores a new version, creating the model on its first version, and queues its audit event in the
     * same transaction. Validate with {@link ModelVersionRules#requireValidRegistration} first.
     *
     * @throws ProblemException 409 when the model already has this version
     */
    @WithTransaction
    public Uni<ModelVersionView> register(String org, String name, SemanticVersion semver, RegisterModelVersion request) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return models.findOrCreate(org, name, request.createdBy(), now)
                .call(model -> versions.versionExists(model.id, request.version()).invoke(exists -> {
                    if (exists) {
                        throw duplicate(org, name, request.version());
                    }
                }))
                .chain(model -> versions.persist(newVersion(model, semver, request, now)))
                .map(mapper::toView)
                .call(view -> outbox.enqueue(registeredEvent(view), now));
    }

    @WithSession
    public Uni<ModelVersionView> getVersion(String org, String name, String version) {
        return requireModel(org, name)
                .chain(model -> versions.findVersion(model.id, version))
                .map(entity -> {
                    if (entity == null) {
                        throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
                    }
                    return mapper.toView(entity);
                });
    }

    @WithSession
    public Uni<ModelVersionList> listVersions(String org, String name) {
        return requireModel(org, name)
                .chain(model -> versions.listNewestFirst(model.id))
                .map(list -> new ModelVersionList(org, name, list.stream().map(mapper::toView).toList()));
    }

    @WithSession
    public Uni<ModelView> getModel(String org, String name) {
        return requireModel(org, name)
                .chain(model -> versions.countVersions(model.id)
                        .chain(count -> versions.findNewest(model.id)
                                .map(newest -> mapper.toView(model, count, newest))));
    }

    /** The problem for a second registration of a version, also used when the database catches the race. */
    public static ProblemException duplicate(String org, String name, String version) {
        return ProblemException.conflict("model " + org + "/" + name + " already has version " + version
                + "; registered versions are immutable, register a new version instead");
    }

    private Uni<ModelEntity> requireModel(String org, String name) {
        return models.findByOrganizationAndName(org, name).map(model -> {
            if (model == null) {
                throw ProblemException.notFound("no model " + org + "/" + name);
            }
            return model;
        });
    }

    private ModelVersionEntity newVersion(ModelEntity model, SemanticVersion semver, RegisterModelVersion request, Instant now) {
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
        entity.createdBy = request.createdBy();
        entity.status = VersionStatus.DEVELOPMENT.wireName();
        entity.registeredAt = now;
        return entity;
    }

    private CloudEvent registeredEvent(ModelVersionView view) {
        Map<String, String> extensions = new LinkedHashMap<>();
        extensions.put(CloudEvent.EXTENSION_ORGANIZATION, view.organization());
        if (view.createdBy() != null && !view.createdBy().isBlank()) {
            extensions.put(CloudEvent.EXTENSION_ACTOR, view.createdBy());
        }
        return new CloudEvent(
                UUID.randomUUID().toString(),
                config.events().source(),
                EventTypes.MODEL_REGISTERED,
                "model/" + view.organization() + "/" + view.name(),
                view.registeredAt(),
                JSON,
                extensions,
                mapper.toJsonBytes(view));
    }
}
