package dev.polity.registry.model.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.repository.ModelVersionEntity;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Between entities and the records clients see. The {@code jsonb} documents are written with the
 * service's JSON mapper, so their keys are the wire names (snake_case) and survive a round trip.
 * Numbers survive by value: PostgreSQL keeps {@code 0.950}, but the reactive driver reads it back
 * as the double {@code 0.95}.
 */
@ApplicationScoped
public class ModelVersionMapper {

    private static final TypeReference<Map<String, Object>> DOCUMENT = new TypeReference<>() {
    };

    private final ObjectMapper json;

    ModelVersionMapper(ObjectMapper json) {
        this.json = json;
    }

    public ObjectMapper json() {
        return json;
    }

    /** The version as stored: a retired version withholds its artifact URI, deprecated and retired ones carry a warning. */
    public ModelVersionView toView(ModelVersionEntity entity) {
        VersionStatus status = VersionStatus.fromWire(entity.status);
        boolean retired = status == VersionStatus.RETIRED;
        String warning = switch (status) {
            case DEPRECATED -> "version " + entity.version + " of " + entity.organization + "/" + entity.modelName
                    + " is deprecated; it still resolves but will be retired, move to a newer version";
            case RETIRED -> "version " + entity.version + " of " + entity.organization + "/" + entity.modelName
                    + " is retired; its metadata stays visible but its artifact is withheld";
            default -> null;
        };
        return new ModelVersionView(
                entity.organization,
                entity.modelName,
                entity.version,
                retired ? null : entity.artifactUri,
                entity.artifactSha256,
                entity.framework,
                entity.modelType,
                entity.description,
                fromDocument(entity.lineage, Lineage.class),
                metricsFromDocument(entity.performanceMetrics),
                fromDocument(entity.fairnessMetrics, FairnessMetrics.class),
                fromDocument(entity.trainingData, TrainingData.class),
                fromDocument(entity.modelCard, ModelCardFacts.class),
                entity.riskInputs == null ? null : new RiskAssessment(entity.riskLevel, entity.riskScore,
                        fromDocument(entity.riskInputs, RiskAssessment.Inputs.class)),
                entity.createdBy,
                entity.registeredBy,
                entity.status,
                entity.statusChangedAt,
                entity.deploymentConstraints,
                entity.usageCount,
                entity.registeredAt,
                retired ? Boolean.TRUE : null,
                warning);
    }

    public ModelView toView(ModelEntity model, Long versionCount, String latestVersion) {
        return new ModelView(model.organization, model.name, model.description, model.owningTeam, model.domain,
                model.tags == null ? List.of() : List.of(model.tags), model.accessLevel, model.researchUseApproved,
                model.academicUseApproved, model.userFacing, model.autonomousDecisions, model.createdAt, model.createdBy,
                model.updatedAt, model.updatedBy, versionCount, latestVersion);
    }

    public Map<String, Object> toDocument(Object value) {
        return value == null ? null : json.convertValue(value, DOCUMENT);
    }

    public <T> T fromDocument(Map<String, Object> document, Class<T> type) {
        return document == null ? null : json.convertValue(document, type);
    }

    /** The JSON bytes of a view, as sent in the {@code data} of an audit event. */
    public byte[] toJsonBytes(Object view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + view.getClass().getSimpleName(), e);
        }
    }

    private static Map<String, BigDecimal> metricsFromDocument(Map<String, Object> document) {
        if (document == null) {
            return null;
        }
        Map<String, BigDecimal> metrics = new LinkedHashMap<>();
        document.forEach((name, value) -> metrics.put(name, value == null ? null : new BigDecimal(value.toString())));
        return metrics;
    }
}
