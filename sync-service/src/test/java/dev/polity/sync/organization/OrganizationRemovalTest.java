package dev.polity.sync.organization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.Database;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Properties;
import java.util.UUID;

import static dev.polity.sync.support.Api.admin;
import static dev.polity.sync.support.Api.as;
import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.YAML;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.createPolicy;
import static dev.polity.sync.support.TestData.organizationJson;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.TestData.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

/** {@code DELETE /api/v1/organizations/{id}}: removal from the federation. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class OrganizationRemovalTest {

    /** The federation id every import test uses: a central authority governs one federation. */
    private static final String FEDERATION_ID = "sync-test-federation";

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void removesAnOrganizationWithATombstoneAndAnAuditEventKeepingItsBundles() throws Exception {
        String id = unique("leaving");
        createOrganization(id, "eu");
        awaitBundle(id);
        String node = unique("node");
        reportStatus(node, id);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).until(
                () -> reader().when().get("/api/v1/federation/status?organization_id=" + id).jsonPath(),
                json -> json.getList("organizations[0].nodes") != null && json.getList("organizations[0].nodes").size() == 1);
        // A decided override: a row that only exists for the organisation and references it.
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        Database.update("insert into overrides (id, policy_id, organization_id, reason, requested_by, status, created_at,"
                        + " approval_expires_at, expires_at) values (?, ?, ?, 'test', 'someone', 'rejected', ?, ?, ?)",
                UUID.randomUUID(), unique("policy"), id, now, now.plusDays(1), now.plusDays(2));

        admin().when().delete("/api/v1/organizations/" + id).then().statusCode(204);

        reader().when().get("/api/v1/organizations/" + id).then().statusCode(404)
                .contentType("application/problem+json");
        List<String> ids = reader().when().get("/api/v1/organizations").then().statusCode(200)
                .extract().jsonPath().getList("id", String.class);
        assertThat(ids).doesNotContain(id);
        reader().when().get("/api/v1/bundles/" + id).then().statusCode(404);
        reader().when().get("/api/v1/federation/status?organization_id=" + id).then().statusCode(200)
                .body("organizations", empty());
        reader().when().get("/api/v1/federation/status").then().statusCode(200)
                .body("organizations.organization_id", not(hasItem(id)));
        admin().when().delete("/api/v1/organizations/" + id).then().statusCode(404);

        List<ConsumerRecord<String, byte[]>> membership = TopicReader.recordsWithKey(Topics.FEDERATION_ORGANIZATIONS, id,
                records -> !records.isEmpty() && records.getLast().value() == null);
        assertThat(membership).hasSizeGreaterThanOrEqualTo(2);
        assertThat(membership.getFirst().value()).isNotNull();

        ConsumerRecord<String, byte[]> audit = TopicReader.recordsWithKey(Topics.AUDIT_EVENTS, "organization/" + id,
                records -> records.stream().anyMatch(OrganizationRemovalTest::isRemoval)).stream()
                .filter(OrganizationRemovalTest::isRemoval).findFirst().orElseThrow();
        CloudEvent event = CloudEvent.fromKafkaHeaders(TopicReader.headers(audit), audit.value());
        assertThat(event.type()).isEqualTo(EventTypes.ORGANIZATION_REMOVED);
        assertThat(event.subject()).isEqualTo("organization/" + id);
        assertThat(event.organization()).isEqualTo(id);
        assertThat(event.actor()).isNotBlank();
        JsonNode data = mapper.readTree(event.data());
        assertThat(data.get("change").asText()).isEqualTo("removed");
        assertThat(data.at("/organization/id").asText()).isEqualTo(id);
        assertThat(data.at("/organization/region").asText()).isEqualTo("eu");

        assertThat(count("select count(*) from organizations where id = ?", id)).isZero();
        assertThat(count("select count(*) from overrides where organization_id = ?", id)).isZero();
        assertThat(count("select count(*) from bundle_publications where organization_id = ?", id)).isZero();
        assertThat(count("select count(*) from policy_subscriptions where scope_level = 'organization' and scope_key = ?", id))
                .isZero();
        assertThat(count("select count(*) from node_status where organization_id = ?", id)).isZero();
        assertThat(count("select count(*) from bundles where organization_id = ?", id))
                .as("bundles are kept for the audit trail").isPositive();
    }

    @Test
    void refusesWhileAChildOrganizationNamesItAsParent() {
        String parent = unique("parent");
        String child = unique("child");
        createOrganization(parent, "eu");
        createOrganization(child, "eu", parent);

        admin().when().delete("/api/v1/organizations/" + parent).then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409))
                .body("type", equalTo("urn:polity:problem:conflict"))
                .body("detail", allOf(containsString("'" + child + "'"), containsString("parent_organization")));
        reader().when().get("/api/v1/organizations/" + parent).then().statusCode(200);

        // Once the child is gone, so can the parent be.
        admin().when().delete("/api/v1/organizations/" + child).then().statusCode(204);
        admin().when().delete("/api/v1/organizations/" + parent).then().statusCode(204);
    }

    @Test
    void refusesWhilePoliciesAreScopedToItOrItsTeams() {
        String id = unique("authoring");
        createOrganization(id, "eu");
        String organizational = unique("org-policy");
        String team = unique("team-policy");
        createPolicy(organizational, "{ level: organization, organization: " + id + " }");
        createPolicy(team, "{ level: team, organization: " + id + ", team: " + unique("team") + " }");

        admin().when().delete("/api/v1/organizations/" + id).then().statusCode(409)
                .contentType("application/problem+json")
                .body("detail", allOf(containsString("'" + organizational + "'"), containsString("'" + team + "'"),
                        containsString("cannot be retired")));
        reader().when().get("/api/v1/organizations/" + id).then().statusCode(200);
    }

    @Test
    void answersNotFoundForAnUnknownOrganization() {
        admin().when().delete("/api/v1/organizations/" + unique("nobody")).then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:not-found"));
    }

    @Test
    void refusesCallersWithoutThePlatformAdminRole() {
        String id = unique("kept");
        createOrganization(id, "us");

        reader().when().delete("/api/v1/organizations/" + id).then().statusCode(403)
                .contentType("application/problem+json");
        as("policy_author").when().delete("/api/v1/organizations/" + id).then().statusCode(403);
        as("policy_approver").when().delete("/api/v1/organizations/" + id).then().statusCode(403);
        reader().when().get("/api/v1/organizations/" + id).then().statusCode(200);
    }

    @Test
    void aRemovedOrganizationCanBeCreatedAgainByPostAndByAFederationImport() {
        String id = unique("returning");
        createOrganization(id, "apac");
        awaitBundle(id);
        long firstRevision = reader().when().get("/api/v1/bundles/" + id + "/manifest").then().statusCode(200)
                .extract().jsonPath().getLong("revision");

        admin().when().delete("/api/v1/organizations/" + id).then().statusCode(204);
        admin().contentType(ContentType.JSON).body(organizationJson(id, "research", "apac", null))
                .when().post("/api/v1/organizations")
                .then().statusCode(201).body("tier", equalTo("research"));
        reader().when().get("/api/v1/organizations/" + id).then().statusCode(200).body("tier", equalTo("research"));
        long secondRevision = awaitBundle(id);
        assertThat(secondRevision).isGreaterThanOrEqualTo(firstRevision);
        TopicReader.recordsWithKey(Topics.FEDERATION_ORGANIZATIONS, id,
                records -> records.size() >= 3 && records.getLast().value() != null);

        admin().when().delete("/api/v1/organizations/" + id).then().statusCode(204);
        String file = """
                federation: { id: %s, name: Sync test federation }
                organizations:
                  - { id: %s, name: Returning, tier: enterprise, region: apac }
                """.formatted(FEDERATION_ID, id);
        admin().contentType(YAML).body(utf8(file)).when().post("/api/v1/federation/import")
                .then().statusCode(200).body("created", hasItem(id));
        reader().when().get("/api/v1/organizations/" + id).then().statusCode(200)
                .body("name", equalTo("Returning")).body("tier", equalTo("enterprise"));
        awaitBundle(id);
        admin().contentType(YAML).body(utf8(file)).when().post("/api/v1/federation/import")
                .then().statusCode(200).body("unchanged", hasItem(id));
    }

    private static boolean isRemoval(ConsumerRecord<String, byte[]> record) {
        return CloudEvent.fromKafkaHeaders(TopicReader.headers(record), record.value()).type()
                .equals(EventTypes.ORGANIZATION_REMOVED);
    }

    /** Waits until the organisation's bundle is published and nothing is queued for it; its revision. */
    private static long awaitBundle(String id) {
        JsonPath status = await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(
                () -> reader().when().get("/api/v1/federation/status?organization_id=" + id).jsonPath(),
                json -> json.get("organizations[0].expected_revision") != null
                        && json.get("organizations[0].publication") == null);
        return status.getLong("organizations[0].expected_revision");
    }

    private static long count(String sql, Object... parameters) {
        return ((Number) Database.rows(sql, parameters).getFirst().get("count")).longValue();
    }

    private static void reportStatus(String nodeId, String org) throws Exception {
        String json = """
                {"node_id": "%s", "organization_id": "%s", "region": "eu", "active_revision": null,
                 "active_digest": null, "reported_at": "%s"}
                """.formatted(nodeId, org, Instant.now());
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ConfigProvider.getConfig().getValue("kafka.bootstrap.servers", String.class));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.POLICY_STATUS, nodeId, json)).get();
        }
    }
}
