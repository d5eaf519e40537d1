package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * Results of bias testing, read by fairness policies.
 *
 * @param byGroup per protected group (e.g. {@code gender=female}), named metrics such as
 *                {@code selection_rate} or {@code true_positive_rate}; shown on the model card
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FairnessMetrics(
        BigDecimal demographicParity,
        BigDecimal equalizedOdds,
        BigDecimal disparateImpact,
        BigDecimal calibration,
        List<String> protectedAttributes,
        Map<String, Map<String, BigDecimal>> byGroup) {
}
