package dev.polity.registry.card.service;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.polity.registry.lifecycle.service.HistoryEntryView;
import dev.polity.registry.lifecycle.service.TransitionView;
import dev.polity.registry.model.service.FairnessMetrics;
import dev.polity.registry.model.service.Lineage;
import dev.polity.registry.model.service.ModelView;
import dev.polity.registry.model.service.RiskAssessment;
import dev.polity.registry.model.service.TrainingData;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A version's model card, generated from the registry's own data: what it is for and not for, its
 * limitations, metrics, fairness by group, lineage, training data, risk, approvals and history.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCard(
        String organization,
        String name,
        String version,
        String status,
        String warning,
        ModelView model,
        String description,
        String intendedUse,
        String outOfScopeUse,
        String limitations,
        String ethicalConsiderations,
        Artifact artifact,
        RiskAssessment risk,
        Map<String, BigDecimal> performanceMetrics,
        FairnessMetrics fairness,
        TrainingData trainingData,
        Lineage lineage,
        Map<String, Object> deploymentConstraints,
        List<TransitionView> approvals,
        List<HistoryEntryView> history,
        String createdBy,
        String registeredBy,
        Instant registeredAt,
        Instant generatedAt) {

    /** @param uri withheld (absent) once the version is retired */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Artifact(String uri, String sha256, String framework, String modelType, Boolean withheld) {
    }
}
