package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/** A registered model version as clients and the audit log see it. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelVersionView(
        String organization,
        String name,
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
        String status,
        Instant registeredAt) {
}
