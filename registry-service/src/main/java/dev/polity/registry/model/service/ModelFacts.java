package dev.polity.registry.model.service;

import java.util.List;

/**
 * What the owner says about a model, in {@code PATCH /api/v1/models/{org}/{name}} and in the
 * {@code model} object of a registration. Fields left out (or null) keep their current value; a new
 * model starts private, untagged, with every flag false.
 *
 * @param domain               business domain; {@code healthcare}, {@code finance}, {@code legal} and
 *                             {@code safety} are critical for the risk assessment
 * @param accessLevel          {@code public}, {@code organization}, {@code consortium} or {@code private}
 * @param userFacing           risk input: people see or act on the output directly
 * @param autonomousDecisions  risk input: the model decides without a human in the loop
 */
public record ModelFacts(
        String description,
        String owningTeam,
        String domain,
        List<String> tags,
        String accessLevel,
        Boolean researchUseApproved,
        Boolean academicUseApproved,
        Boolean userFacing,
        Boolean autonomousDecisions) {
}
