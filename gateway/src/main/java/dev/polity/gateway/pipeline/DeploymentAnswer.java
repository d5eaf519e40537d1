package dev.polity.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * What a pipeline gets back.
 *
 * @param outcome     {@code approved}, {@code conditional} or {@code denied}
 * @param deployable  true for approved and conditional
 * @param registered  true when this call registered the version, false when it was registered before
 * @param conditions  what the deployment must do (conditional only), e.g. {@code shadow_mode}
 * @param constraints limits the deployment must honour, e.g. {@code {"max_traffic_percent": 10}}
 * @param reasons     the failed rules of the policies that denied or made it conditional
 * @param audit       gateway queries that show the decision (auditor or compliance_officer tokens)
 * @param decision    the policy node's decision as it gave it
 */
@Schema(name = "DeploymentAnswer")
public record DeploymentAnswer(
        String outcome,
        boolean deployable,
        String modelId,
        String version,
        String environment,
        boolean registered,
        String decisionId,
        Long bundleRevision,
        String expiresAt,
        List<String> conditions,
        Map<String, Object> constraints,
        List<String> warnings,
        List<Reason> reasons,
        AuditLinks audit,
        @Schema(type = SchemaType.OBJECT) JsonNode decision) {

    /** One failed rule. */
    public record Reason(String policyId, String outcome, String rule, String message, String remedy) {
    }

    /**
     * @param decision the decision event ({@code polity.decision.made}) among the model's events
     * @param model    every event about the model: registration, decisions, transitions
     */
    public record AuditLinks(String decision, String model) {
    }
}
