package dev.polity.registry.sharing;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.sharing.service.GrantExpiry;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.Audit;
import dev.polity.registry.testing.Federation;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.OffsetDateTime;
import java.util.Map;
import java.util.UUID;

import static dev.polity.registry.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/** Access requests with their auto-approval rules, owner decisions, grants that expire and are revoked, and usage under them. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AccessTest {

    private static final String OWNER = "acc-owner";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    Pool pool;

    @Inject
    GrantExpiry expiry;

    private boolean prepared;

    /** Once per class, before the first test (RestAssured knows the port only from the first test on). */
    @BeforeEach
    void prepareOnce() {
        if (!prepared) {
            federation();
            prepared = true;
        }
    }

    void federation() {
        // Tiers and trusted partners come from the central authority's topic.
        Federation.publishAndAwait(bootstrapServers, pool, "acc-research", "research", null);
        Federation.publishAndAwait(bootstrapServers, pool, "acc-academic", "academic", null);
        Federation.publishAndAwait(bootstrapServers, pool, OWNER, "enterprise", "\"trusted_partners\": [\"acc-fed\"]");
        as(OWNER, "platform_admin").body("{\"trusted\": true}").put("/api/v1/collaborations/acc-trusted").then().statusCode(200);
    }

    @Inject
    io.vertx.core.Vertx vertx;

    /** Runs a reactive service call as the scheduler does: on a fresh, safe Vert.x context. */
    private <T> T onVertxContext(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> call) {
        var context = io.smallrye.common.vertx.VertxContext.createNewDuplicatedContext(vertx.getOrCreateContext());
        io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle.setContextSafe(context, true);
        var result = new java.util.concurrent.CompletableFuture<T>();
        context.runOnContext(ignored -> call.get().subscribe().with(result::complete, result::completeExceptionally));
        return result.orTimeout(10, java.util.concurrent.TimeUnit.SECONDS).join();
    }

    private static String publicModel(String facts) {
        String name = Api.uniqueName("shared");
        Api.register(OWNER, name, "1.0.0", "{\"access_level\": \"public\"" + (facts == null ? "" : ", " + facts) + "}");
        return name;
    }

    private static ValidatableResponse ask(String org, String name, String intendedUse) {
        return as(org, "data_scientist")
                .body(Map.of("purpose", "benchmark our pipeline", "intended_use", intendedUse, "duration_days", 30,
                        "data_sharing_terms", "no redistribution"))
                .post("/api/v1/models/{org}/{name}/access-requests", OWNER, name).then();
    }

    private static ValidatableResponse use(String org, String name, String kind) {
        return as(org, "ml_engineer").body(Map.of("kind", kind)).post("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name).then();
    }

    @Test
    void approvesATrustedPartnersRequestAtOnce() {
        String name = publicModel(null);
        ask("acc-trusted", name, "commercial").statusCode(201)
                .header("Location", containsString("/access-requests/"))
                .body("state", equalTo("approved"))
                .body("auto_approval_rule", equalTo("trusted_partner"))
                .body("requesting_organization", equalTo("acc-trusted"))
                .body("requesting_team", equalTo("team-a"))
                .body("grant.state", equalTo("active"))
                .body("grant.grantee_organization", equalTo("acc-trusted"))
                .body("grant.expires_at", notNullValue());
        // A partner the federation published as trusted counts the same.
        ask("acc-fed", name, "evaluation").statusCode(201).body("auto_approval_rule", equalTo("trusted_partner"));
        assertThat(Audit.typesFor(pool, "model/acc-owner/" + name)).containsSubsequence("polity.access.requested", "polity.access.approved");
    }

    @Test
    void approvesResearchAndAcademicOrganizationsForModelsApprovedForThem() {
        String name = publicModel("\"research_use_approved\": true");
        ask("acc-research", name, "research").statusCode(201).body("auto_approval_rule", equalTo("research_use"));
        ask("acc-research", name, "commercial").statusCode(201).body("state", equalTo("pending"));
        ask("acc-academic", name, "academic").statusCode(201).body("state", equalTo("pending"));

        as(OWNER, "data_scientist").body(Map.of("academic_use_approved", true)).patch("/api/v1/models/{org}/{name}", OWNER, name)
                .then().statusCode(200);
        ask("acc-academic", name, "academic").statusCode(201).body("auto_approval_rule", equalTo("academic_use"));
        ask("acc-other", name, "research").statusCode(201).body("state", equalTo("pending"));
    }

    @Test
    void letsTheOwnerApproveOrRejectAPendingRequest() {
        String name = publicModel(null);
        String id = ask("acc-other", name, "commercial").statusCode(201).body("state", equalTo("pending"))
                .body("grant", nullValue()).extract().path("id");

        as("acc-other", "ml_lead").body("{}").post("/api/v1/models/{org}/{name}/access-requests/{id}/approval", OWNER, name, id)
                .then().statusCode(403);
        as(OWNER, "data_scientist").body("{}").post("/api/v1/models/{org}/{name}/access-requests/{id}/approval", OWNER, name, id)
                .then().statusCode(403);
        as(OWNER, "ml_lead").body("{\"reason\": \"fine\"}").post("/api/v1/models/{org}/{name}/access-requests/{id}/approval", OWNER, name, id)
                .then().statusCode(200)
                .body("state", equalTo("approved"))
                .body("decided_by", equalTo(Api.subject(OWNER, "ml_lead")))
                .body("grant.state", equalTo("active"));
        as(OWNER, "ml_lead").body("{\"reason\": \"no\"}").post("/api/v1/models/{org}/{name}/access-requests/{id}/rejection", OWNER, name, id)
                .then().statusCode(409);

        String second = ask("acc-other", name, "commercial").statusCode(201).extract().path("id");
        as(OWNER, "product_owner").body("{}").post("/api/v1/models/{org}/{name}/access-requests/{id}/rejection", OWNER, name, second)
                .then().statusCode(400).body("errors.field", contains("reason"));
        as(OWNER, "product_owner").body("{\"reason\": \"no redistribution terms\"}")
                .post("/api/v1/models/{org}/{name}/access-requests/{id}/rejection", OWNER, name, second)
                .then().statusCode(200).body("state", equalTo("rejected")).body("decision_reason", equalTo("no redistribution terms"));

        // The owner sees every request, the requester its own, anyone else none.
        as(OWNER, "ml_lead").get("/api/v1/models/{org}/{name}/access-requests", OWNER, name).then().statusCode(200)
                .body("items.size()", equalTo(2));
        as("acc-other", "data_scientist").get("/api/v1/models/{org}/{name}/access-requests", OWNER, name).then()
                .body("items.size()", equalTo(2));
        as("acc-research", "data_scientist").get("/api/v1/models/{org}/{name}/access-requests", OWNER, name).then()
                .body("items.size()", equalTo(0));
        as("acc-research", "data_scientist").get("/api/v1/models/{org}/{name}/access-requests/{id}", OWNER, name, id).then()
                .statusCode(404);
        assertThat(Audit.typesFor(pool, "model/acc-owner/" + name)).containsSubsequence("polity.access.requested",
                "polity.access.approved", "polity.access.requested", "polity.access.rejected");
    }

    @Test
    void rejectsBadRequestsNamingTheFields() {
        String name = publicModel(null);
        as("acc-other", "data_scientist").body(Map.of("intended_use", "profit", "duration_days", 0))
                .post("/api/v1/models/{org}/{name}/access-requests", OWNER, name).then().statusCode(400)
                .body("errors.field", contains("purpose", "intended_use", "duration_days"));
        ask(OWNER, name, "research").statusCode(409);
        as("acc-other", "data_engineer").body(Map.of("purpose", "x", "intended_use", "research", "duration_days", 1))
                .post("/api/v1/models/{org}/{name}/access-requests", OWNER, name).then().statusCode(403);
        String hidden = Api.uniqueName("hidden");
        Api.register(OWNER, hidden, "1.0.0", null);
        ask("acc-trusted", hidden, "research").statusCode(404);
        use("acc-trusted", hidden, "inference").statusCode(404);
    }

    @Test
    void refusesUsageWithoutAValidGrantAndCountsItWithOne() {
        String name = publicModel(null);
        use("acc-other", name, "inference").statusCode(403).contentType(Api.PROBLEM)
                .body("detail", containsString("holds no valid grant"));
        assertThat(Audit.typesFor(pool, "model/acc-owner/" + name)).contains("polity.model.usage.refused");

        String id = ask("acc-other", name, "commercial").statusCode(201).extract().path("id");
        String grant = as(OWNER, "platform_admin").body("{}")
                .post("/api/v1/models/{org}/{name}/access-requests/{id}/approval", OWNER, name, id)
                .then().statusCode(200).extract().path("grant.id");
        use("acc-other", name, "inference").statusCode(201)
                .body("grant_id", equalTo(grant))
                .body("version_usage_count", equalTo(1))
                .body("grant_usage_count", equalTo(1));
        as("acc-other", "business_analyst").body(Map.of("kind", "inference", "quantity", 41))
                .post("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name).then().statusCode(201)
                .body("grant_usage_count", equalTo(42));
        // The owner needs no grant.
        use(OWNER, name, "download").statusCode(201).body("grant_id", nullValue()).body("version_usage_count", equalTo(43));

        as(OWNER, "ml_lead").get("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name).then().statusCode(200)
                .body("usage_count", equalTo(43))
                .body("items.organization", hasItem("acc-other"))
                .body("items.organization", hasItem(OWNER));
        as("acc-other", "ml_engineer").get("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name).then().statusCode(200)
                .body("items.organization", not(hasItem(OWNER)));
        as("acc-other", "ml_engineer").body(Map.of("kind", "fine-tuning")).post("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name)
                .then().statusCode(400).body("errors.field", contains("kind"));
        as("acc-other", "auditor").body(Map.of("kind", "inference")).post("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name)
                .then().statusCode(403);

        // Revoked: refused again, and audited.
        as(OWNER, "ml_lead").body("{}").post("/api/v1/models/{org}/{name}/grants/{id}/revocation", OWNER, name, grant)
                .then().statusCode(400);
        as(OWNER, "ml_lead").body("{\"reason\": \"contract ended\"}").post("/api/v1/models/{org}/{name}/grants/{id}/revocation", OWNER, name, grant)
                .then().statusCode(200).body("state", equalTo("revoked")).body("usage_count", equalTo(42));
        use("acc-other", name, "inference").statusCode(403);
        as("acc-other", "data_scientist").get("/api/v1/models/{org}/{name}/grants", OWNER, name).then()
                .body("items[0].state", equalTo("revoked"));
        assertThat(Audit.typesFor(pool, "model/acc-owner/" + name)).containsSubsequence("polity.model.usage.recorded",
                "polity.access.revoked", "polity.model.usage.refused");
    }

    @Test
    void endsAGrantAtItsExpiryAndAuditsIt() {
        String name = publicModel(null);
        String grant = ask("acc-trusted", name, "evaluation").statusCode(201).extract().path("grant.id");
        use("acc-trusted", name, "download").statusCode(201);

        pool.preparedQuery("update access_grant set expires_at = $1 where id = $2")
                .execute(Tuple.of(OffsetDateTime.now().minusMinutes(1), UUID.fromString(grant))).await().indefinitely();
        use("acc-trusted", name, "download").statusCode(403);
        as("acc-trusted", "data_scientist").get("/api/v1/models/{org}/{name}/grants", OWNER, name).then()
                .body("items[0].state", equalTo("expired"));

        assertThat(onVertxContext(() -> expiry.recordExpired())).isGreaterThanOrEqualTo(1);
        assertThat(Audit.typesFor(pool, "model/acc-owner/" + name)).contains("polity.access.expired");
    }
}
