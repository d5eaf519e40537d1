package dev.polity.policy.decision.rest;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A dry run: a governance request and draft policies (policy documents in the format of
 * DESIGN.md, as JSON objects).
 *
 * @param draftsOnly evaluate the drafts alone instead of layering them over the active bundle
 */
public record DryRunRequest(DecisionRequest request, List<JsonNode> policies, Boolean draftsOnly) {
}
