package dev.polity.registry.model.service;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/models/{org}/{name}/versions}. Checked by {@link ModelVersionRules}.
 *
 * @param performanceMetrics named numbers, e.g. {@code accuracy}, {@code latency_p99_ms}
 * @param createdBy          who built the version, as the pipeline says; who registered it comes from the token
 * @param model              optional facts about the model, applied before the risk assessment
 * @param modelCard          optional prose of the model card
 */
public record RegisterModelVersion(
        String version,
        String artifactUri,
        String artifactSha256,
        String framework,
        String modelType,
        String description,
        Lineage lineage,
        Map<String, BigDecimal> performanceMetrics,
        FairnessMetrics fairnessMetrics,
        TrainingData trainingData,
        String createdBy,
        ModelFacts model,
        ModelCardFacts modelCard) {
}
