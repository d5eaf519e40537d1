package dev.polity.gateway.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/**
 * The body of {@code POST /api/v1/pipelines/deployments}: everything a CI/CD job knows about the version
 * it wants to ship, in one request.
 *
 * @param model             the model's name in the caller's organisation, e.g. {@code credit-risk}
 * @param environment       {@code development}, {@code staging} or {@code production}
 * @param version           the registration as the registry takes it ({@code POST /api/v1/models/{org}/{name}/versions}):
 *                          {@code version}, {@code artifact_uri}, {@code artifact_sha256}, {@code lineage}, {@code training_data}, ...
 * @param deploymentContext what the policies may look at besides the model: region, traffic share, shadow mode, ...
 * @param modelMetadata     extra facts for the policies that the registry does not keep; never overrides what it keeps
 */
@Schema(name = "DeploymentRequest")
public record DeploymentRequest(
        @Schema(required = true, example = "credit-risk") String model,
        @Schema(required = true, enumeration = {"development", "staging", "production"}) String environment,
        @Schema(required = true, type = SchemaType.OBJECT, description = "The registry's version registration; registered if new")
        JsonNode version,
        @Schema(type = SchemaType.OBJECT, example = "{\"region\": \"eu\", \"traffic_percent\": 10}") Map<String, Object> deploymentContext,
        @Schema(type = SchemaType.OBJECT) Map<String, Object> modelMetadata) {
}
