package dev.polity.registry.model.service;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.registry.model.repository.ModelEntity;
import dev.polity.registry.model.repository.ModelVersionEntity;
import jakarta.enterprise.context.ApplicationScoped;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
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

    public ModelVersionView toView(ModelVersionEntity entity) {
        return new ModelVersionView(
                entity.organization,
                entity.modelName,
                entity.version,
                entity.artifactUri,
                entity.artifactSha256,
                entity.framework,
                entity.modelType,
                entity.description,
                fromDocument(entity.lineage, Lineage.class),
                metricsFromDocument(entity.performanceMetrics),
                fromDocument(entity.fairnessMetrics, FairnessMetrics.class),
                fromDocument(entity.trainingData, TrainingData.class),
                entity.createdBy,
                entity.status,
                entity.registeredAt);
    }

    public ModelView toView(ModelEntity model, long versionCount, ModelVersionEntity newest) {
        return new ModelView(model.organization, model.name, model.createdAt, model.createdBy, versionCount,
                newest == null ? null : newest.version);
    }

    public Map<String, Object> toDocument(Object value) {
        return value == null ? null : json.convertValue(value, DOCUMENT);
    }

    /** The JSON bytes of a view, as sent in the {@code data} of an audit event. */
    public byte[] toJsonBytes(Object view) {
        try {
            return json.writeValueAsBytes(view);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + view.getClass().getSimpleName(), e);
        }
    }

    private <T> T fromDocument(Map<String, Object> document, Class<T> type) {
        return document == null ? null : json.convertValue(document, type);
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
