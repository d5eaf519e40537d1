package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

/**
 * A registered model version as clients and the audit log see it.
 *
 * @param createdBy             who built the version, as the registering pipeline said
 * @param registeredBy          the token subject that registered it
 * @param artifactUri           withheld (absent) once the version is retired
 * @param artifactWithheld      true when the version is retired and its artifact URI is withheld
 * @param deploymentConstraints constraints of the conditional decision that let it into its status
 * @param warning               set for deprecated and retired versions
 */
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
        ModelCardFacts modelCard,
        RiskAssessment risk,
        String createdBy,
        String registeredBy,
        String status,
        Instant statusChangedAt,
        Map<String, Object> deploymentConstraints,
        long usageCount,
        Instant registeredAt,
        Boolean artifactWithheld,
        String warning) {
}
