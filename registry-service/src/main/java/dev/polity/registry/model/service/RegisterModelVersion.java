package dev.polity.registry.model.service;

import java.math.BigDecimal;
import java.util.Map;

/**
 * The body of {@code POST /api/v1/models/{org}/{name}/versions}. Checked by {@link ModelVersionRules}.
 *
 * @param performanceMetrics named numbers, e.g. {@code accuracy}, {@code latency_p99_ms}
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
        String createdBy) {
}
