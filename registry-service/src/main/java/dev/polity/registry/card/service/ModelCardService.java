package dev.polity.registry.card.service;

import dev.polity.registry.lifecycle.service.LifecycleService;
import dev.polity.registry.model.repository.ModelVersionRepository;
import dev.polity.registry.model.service.ModelCardFacts;
import dev.polity.registry.model.service.ModelVersionMapper;
import dev.polity.registry.model.service.ModelVersionService;
import dev.polity.registry.model.service.ModelVersionView;
import dev.polity.registry.security.Actor;
import dev.polity.support.problem.ProblemException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** Builds model cards from what the registry stores; visible to whoever may see the model. */
@ApplicationScoped
public class ModelCardService {

    private final ModelVersionService models;
    private final ModelVersionRepository versions;
    private final LifecycleService lifecycle;
    private final ModelVersionMapper mapper;

    ModelCardService(ModelVersionService models, ModelVersionRepository versions, LifecycleService lifecycle,
                     ModelVersionMapper mapper) {
        this.models = models;
        this.versions = versions;
        this.lifecycle = lifecycle;
        this.mapper = mapper;
    }

    public Uni<ModelCard> card(Actor actor, String org, String name, String version) {
        return Panache.withSession(() -> models.requireVisibleModel(actor, org, name).chain(model ->
                versions.findVersion(model.id, version).chain(entity -> {
                    if (entity == null) {
                        throw ProblemException.notFound("model " + org + "/" + name + " has no version " + version);
                    }
                    ModelVersionView view = mapper.toView(entity);
                    return lifecycle.approvalsOf(entity.id).chain(approvals -> lifecycle.historyOf(entity.id).map(history -> {
                        ModelCardFacts prose = view.modelCard() == null ? new ModelCardFacts(null, null, null, null) : view.modelCard();
                        return new ModelCard(org, name, version, view.status(), view.warning(),
                                mapper.toView(model, null, null), view.description(), prose.intendedUse(), prose.outOfScopeUse(),
                                prose.limitations(), prose.ethicalConsiderations(),
                                new ModelCard.Artifact(view.artifactUri(), view.artifactSha256(), view.framework(), view.modelType(),
                                        view.artifactWithheld()),
                                view.risk(), view.performanceMetrics(), view.fairnessMetrics(), view.trainingData(), view.lineage(),
                                view.deploymentConstraints(), approvals, history, view.createdBy(), view.registeredBy(),
                                view.registeredAt(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
                    }));
                })));
    }
}
