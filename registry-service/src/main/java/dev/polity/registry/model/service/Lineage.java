package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.Map;

/** Where a model version came from: data set, code, features, training run. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Lineage(
        String datasetId,
        String datasetVersion,
        String datasetHash,
        String gitRepository,
        String gitCommit,
        String gitBranch,
        String featureStoreVersion,
        Map<String, Object> hyperparameters,
        BigDecimal trainingDurationSeconds,
        String hardware) {
}
