package dev.polity.registry.sharing;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Audit;
import dev.polity.registry.testing.Federation;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import static dev.polity.registry.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

/** Collaborations and consortia: who may declare, invite, accept and leave. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
class MembershipTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Inject
    Pool pool;

    @Test
    void letsAPlatformAdminDeclareAndWithdrawCollaborations() {
        as("mem-owner", "platform_admin").body("{\"trusted\": true}").put("/api/v1/collaborations/mem-member").then().statusCode(200)
                .body("organization", equalTo("mem-owner"))
                .body("shares_with.organization", hasItem("mem-member"))
                .body("shares_with.find { it.organization == 'mem-member' }.trusted", equalTo(true));
        as("mem-member", "data_scientist").get("/api/v1/collaborations").then().statusCode(200)
                .body("shared_by.organization", hasItem("mem-owner"));
        as("mem-owner", "ml_engineer").body("{}").put("/api/v1/collaborations/mem-other").then().statusCode(403);
        as("mem-owner", "platform_admin").body("{}").put("/api/v1/collaborations/mem-owner").then().statusCode(400)
                .body("errors.field", contains("partner"));
        as("mem-owner", "platform_admin").delete("/api/v1/collaborations/mem-member").then().statusCode(200);
        as("mem-owner", "platform_admin").delete("/api/v1/collaborations/mem-member").then().statusCode(404);
        assertThat(Audit.typesFor(pool, "organization/mem-owner")).contains("polity.collaboration.changed");
    }

    @Test
    void countsAConsortiumMemberOnlyOnceItAcceptedTheOwnersInvitation() {
        String id = "c-" + UUID.randomUUID().toString().substring(0, 8);
        as("mem-owner", "platform_admin").body(Map.of("id", id, "name", "Health data consortium")).post("/api/v1/consortia")
                .then().statusCode(201).body("owner_organization", equalTo("mem-owner"))
                .body("members.organization", contains("mem-owner"));
        as("mem-owner", "platform_admin").body(Map.of("id", id)).post("/api/v1/consortia").then().statusCode(409);

        as("mem-member", "platform_admin").put("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(409);
        as("mem-other", "platform_admin").put("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(403);
        as("mem-owner", "platform_admin").put("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(200)
                .body("members.find { it.organization == 'mem-member' }.state", equalTo("invited"));
        as("mem-member", "ml_lead").put("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(403);
        as("mem-member", "platform_admin").put("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(200)
                .body("members.find { it.organization == 'mem-member' }.state", equalTo("member"));

        as("mem-other", "platform_admin").delete("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(403);
        as("mem-member", "platform_admin").delete("/api/v1/consortia/{id}/members/mem-member", id).then().statusCode(200);
        as("mem-owner", "platform_admin").delete("/api/v1/consortia/{id}/members/mem-owner", id).then().statusCode(409);
        as("mem-owner", "data_scientist").get("/api/v1/consortia/{id}", id).then().statusCode(200)
                .body("members.organization", contains("mem-owner"));
        as("mem-owner", "data_scientist").get("/api/v1/consortia/nope").then().statusCode(404);
        assertThat(Audit.typesFor(pool, "consortium/" + id)).containsExactly("polity.consortium.changed",
                "polity.consortium.changed", "polity.consortium.changed", "polity.consortium.changed");
    }

    @Test
    void mirrorsConsortiaAndPartnersPublishedByTheFederationAndSendsUnreadableRecordsToTheDeadLetterTopic() {
        String consortium = "fed-" + UUID.randomUUID().toString().substring(0, 8);
        Federation.publish(bootstrapServers, "mem-broken", "{not json");
        Federation.publishAndAwait(bootstrapServers, pool, "mem-other", "research",
                "\"partners\": [\"mem-owner\"], \"consortium_memberships\": [{\"id\": \"" + consortium + "\"}]");
        as("mem-owner", "data_scientist").get("/api/v1/collaborations").then()
                .body("shared_by.find { it.organization == 'mem-other' }.source", equalTo("federation"));
        as("mem-other", "data_scientist").get("/api/v1/consortia/{id}", consortium).then().statusCode(200)
                .body("members.organization", contains("mem-other"))
                .body("members[0].state", equalTo("member"));

        assertThat(Federation.deadLettered(bootstrapServers, "mem-broken")).isTrue();

        // A tombstone removes what the federation published.
        Federation.publish(bootstrapServers, "mem-other", null);
        await().atMost(Duration.ofSeconds(30)).until(() -> Federation.tierOf(pool, "mem-other") == null);
        as("mem-owner", "data_scientist").get("/api/v1/collaborations").then()
                .body("shared_by.organization", org.hamcrest.Matchers.not(hasItem("mem-other")));
    }
}
