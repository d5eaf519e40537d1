package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.math.BigDecimal;
import java.util.List;

/** Results of bias testing, read by fairness policies. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FairnessMetrics(
        BigDecimal demographicParity,
        BigDecimal equalizedOdds,
        BigDecimal disparateImpact,
        BigDecimal calibration,
        List<String> protectedAttributes) {
}
