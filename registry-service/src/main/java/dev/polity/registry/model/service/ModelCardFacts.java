package dev.polity.registry.model.service;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The prose of a version's model card; the rest of the card (metrics, fairness, lineage, approvals,
 * history) comes from the registry's own data. Sent to the policy node as {@code model_card}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelCardFacts(
        String intendedUse,
        String outOfScopeUse,
        String limitations,
        String ethicalConsiderations) {
}
