package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;

/** What the training data contained, read by data-privacy policies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TrainingData(
        Boolean containsPii,
        String anonymizationMethod,
        Boolean consentTracked,
        List<String> sources) {
}
