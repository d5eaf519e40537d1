package dev.polity.registry.card.rest;

import dev.polity.registry.card.service.ModelCard;
import dev.polity.registry.card.service.ModelCardHtml;
import dev.polity.registry.card.service.ModelCardService;
import dev.polity.registry.model.service.ModelVersionRules;
import dev.polity.registry.security.CallerAccess;
import dev.polity.registry.security.Roles;
import dev.polity.support.problem.Problem;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;

/** {@code GET /api/v1/models/{org}/{name}/versions/{version}/card}: JSON, or an HTML page for {@code Accept: text/html}. */
@Path("/api/v1/models/{org}/{name}/versions/{version}/card")
@Authenticated
@Tag(name = "Model cards", description = "Model cards generated from the registry's data")
public class ModelCardResource {

    private final ModelCardService cards;
    private final CallerAccess caller;

    ModelCardResource(ModelCardService cards, CallerAccess caller) {
        this.cards = cards;
        this.caller = caller;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "A version's model card as JSON",
            description = "Intended use, limitations, metrics, fairness by group, lineage, training data, risk, approvals and history.")
    @APIResponse(responseCode = "200", description = "The card",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ModelCard.class)))
    @APIResponse(responseCode = "404", description = "No such version, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<ModelCard> json(@RestPath String org, @RestPath String name, @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return cards.card(caller.actor(), org, name, version);
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @RolesAllowed({Roles.DATA_SCIENTIST, Roles.ML_ENGINEER, Roles.COMPLIANCE_OFFICER, Roles.SECURITY_REVIEWER,
            Roles.STAKEHOLDER, Roles.ML_LEAD, Roles.PRODUCT_OWNER})
    @Operation(summary = "A version's model card as an HTML page")
    @APIResponse(responseCode = "200", description = "The card", content = @Content(mediaType = MediaType.TEXT_HTML))
    @APIResponse(responseCode = "404", description = "No such version, or one the caller may not see",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Uni<String> html(@RestPath String org, @RestPath String name, @RestPath String version) {
        ModelVersionRules.requireVersionPath(org, name, version);
        return cards.card(caller.actor(), org, name, version).map(ModelCardHtml::render);
    }
}
