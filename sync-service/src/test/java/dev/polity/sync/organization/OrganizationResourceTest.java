package dev.polity.sync.organization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.TopicReader;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.organizationJson;
import static dev.polity.sync.support.TestData.unique;
import static dev.polity.sync.support.Api.admin;
import static dev.polity.sync.support.Api.reader;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class OrganizationResourceTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void createsAnOrganizationAndPublishesItToTheFederation() throws Exception {
        String id = unique("acme");

        admin().contentType(ContentType.JSON).body(organizationJson(id, "research", "eu", null))
                .when().post("/api/v1/organizations")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/organizations/" + id))
                .body("id", equalTo(id))
                .body("tier", equalTo("research"))
                .body("region", equalTo("eu"))
                .body("parent_organization", nullValue());

        reader().when().get("/api/v1/organizations/" + id)
                .then().statusCode(200).body("name", equalTo("Org " + id));

        ConsumerRecord<String, byte[]> membership = TopicReader.recordsWithKey(Topics.FEDERATION_ORGANIZATIONS, id,
                records -> !records.isEmpty()).get(0);
        JsonNode published = mapper.readTree(membership.value());
        assertThat(published.get("id").asText()).isEqualTo(id);
        assertThat(published.get("region").asText()).isEqualTo("eu");

        ConsumerRecord<String, byte[]> audit = TopicReader.recordsWithKey(Topics.AUDIT_EVENTS, "organization/" + id,
                records -> !records.isEmpty()).get(0);
        CloudEvent event = CloudEvent.fromKafkaHeaders(TopicReader.headers(audit), audit.value());
        assertThat(event.type()).isEqualTo(EventTypes.ORGANIZATION_CHANGED);
        assertThat(event.source()).startsWith("/polity/sync-service/");
        assertThat(event.organization()).isEqualTo(id);
        assertThat(mapper.readTree(event.data()).at("/organization/id").asText()).isEqualTo(id);
    }

    @Test
    void answersOkWhenTheSameOrganizationIsCreatedAgain() {
        String id = unique("repeat");
        createOrganization(id, "us");

        admin().contentType(ContentType.JSON).body(organizationJson(id, "enterprise", "us", null))
                .when().post("/api/v1/organizations")
                .then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void answersConflictWhenTheIdIsTakenWithDifferentContent() {
        String id = unique("taken");
        createOrganization(id, "us");

        admin().contentType(ContentType.JSON).body(organizationJson(id, "enterprise", "apac", null))
                .when().post("/api/v1/organizations")
                .then().statusCode(409)
                .contentType("application/problem+json")
                .body("status", equalTo(409));
    }

    @Test
    void acceptsAChildOfAnExistingParent() {
        String parent = unique("parent");
        String child = unique("child");
        createOrganization(parent, "eu");

        admin().contentType(ContentType.JSON).body(organizationJson(child, "startup", "eu", parent))
                .when().post("/api/v1/organizations")
                .then().statusCode(201).body("parent_organization", equalTo(parent));
    }

    @Test
    void rejectsAnUnknownParentNamingTheField() {
        String id = unique("orphan");

        admin().contentType(ContentType.JSON).body(organizationJson(id, "startup", "eu", unique("nobody")))
                .when().post("/api/v1/organizations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("parent_organization"));

        reader().when().get("/api/v1/organizations/" + id).then().statusCode(404);
    }

    @Test
    void rejectsInvalidFieldsListingEachOfThem() {
        admin().contentType(ContentType.JSON)
                .body("{\"id\": \"Not Valid\", \"name\": \"x\", \"tier\": \"platinum\", \"region\": \"EU\"}")
                .when().post("/api/v1/organizations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("id", "tier", "region"));
    }

    @Test
    void answersNotFoundProblemForAnUnknownOrganization() {
        reader().when().get("/api/v1/organizations/" + unique("missing"))
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:not-found"));
    }

    @Test
    void listsOrganizations() {
        String id = unique("listed");
        createOrganization(id, "apac");

        List<String> ids = reader().when().get("/api/v1/organizations")
                .then().statusCode(200).extract().jsonPath().getList("id", String.class);
        assertThat(ids).contains(id).isSorted();
    }

    @Test
    void changesAnOrganizationAndRepublishesItsBundleForTheNewRegion() {
        String id = unique("mover");
        String from = unique("r");
        String to = unique("r");
        createOrganization(id, from);
        String regional = unique("regional");
        dev.polity.sync.support.TestData.createPolicy(regional, "{ level: regional, region: " + to + " }");

        admin().contentType(ContentType.JSON).body("""
                {"name": "Mover", "tier": "business", "region": "%s", "policy_authority": "regional",
                 "partnership_type": "vendor", "trusted_partners": ["acme"], "consortia": ["open-models"],
                 "governance_endpoint": "https://governance.mover.example"}
                """.formatted(to))
                .when().put("/api/v1/organizations/" + id)
                .then().statusCode(200)
                .body("region", equalTo(to))
                .body("trusted_partners", hasItem("acme"))
                .body("consortia", hasItem("open-models"));

        TopicReader.recordsWithKey(Topics.POLICY_BUNDLES, id, records -> !records.isEmpty()
                && dev.polity.contracts.bundle.Bundles.fromJson(records.getLast().value()).policies().stream()
                .anyMatch(p -> p.id().equals(regional)));
        TopicReader.recordsWithKey(Topics.FEDERATION_ORGANIZATIONS, id, records -> records.size() >= 2);
    }

    @Test
    void refusesAParentCycle() {
        String parent = unique("top");
        String child = unique("below");
        createOrganization(parent, "eu");
        createOrganization(child, "eu", parent);

        admin().contentType(ContentType.JSON).body(organizationJson(parent, "enterprise", "eu", child))
                .when().put("/api/v1/organizations/" + parent)
                .then().statusCode(400)
                .body("errors[0].field", equalTo("parent_organization"));
        admin().contentType(ContentType.JSON).body(organizationJson(unique("other"), "enterprise", "eu", null))
                .when().put("/api/v1/organizations/" + parent)
                .then().statusCode(400).body("errors[0].field", equalTo("id"));
        String ghost = unique("ghost");
        admin().contentType(ContentType.JSON).body(organizationJson(ghost, "enterprise", "eu", null))
                .when().put("/api/v1/organizations/" + ghost)
                .then().statusCode(404);
    }

    @Test
    void rejectsInvalidExtendedFields() {
        admin().contentType(ContentType.JSON).body("""
                {"id": "%s", "name": "X", "tier": "startup", "region": "eu", "policy_authority": "supreme",
                 "governance_endpoint": "ftp://nowhere", "trusted_partners": ["Not Valid"]}
                """.formatted(unique("bad")))
                .when().post("/api/v1/organizations")
                .then().statusCode(400)
                .body("errors.field", hasItems("policy_authority", "governance_endpoint", "trusted_partners[0]"));
    }
}
