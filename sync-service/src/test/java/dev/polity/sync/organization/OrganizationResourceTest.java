package dev.polity.sync.organization;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.contracts.events.EventTypes;
import dev.polity.devstack.DevstackTestResource;
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
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
class OrganizationResourceTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @Test
    void createsAnOrganizationAndPublishesItToTheFederation() throws Exception {
        String id = unique("acme");

        given().contentType(ContentType.JSON).body(organizationJson(id, "research", "eu", null))
                .when().post("/api/v1/organizations")
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/organizations/" + id))
                .body("id", equalTo(id))
                .body("tier", equalTo("research"))
                .body("region", equalTo("eu"))
                .body("parent_organization", nullValue());

        given().when().get("/api/v1/organizations/" + id)
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

        given().contentType(ContentType.JSON).body(organizationJson(id, "enterprise", "us", null))
                .when().post("/api/v1/organizations")
                .then().statusCode(200).body("id", equalTo(id));
    }

    @Test
    void answersConflictWhenTheIdIsTakenWithDifferentContent() {
        String id = unique("taken");
        createOrganization(id, "us");

        given().contentType(ContentType.JSON).body(organizationJson(id, "enterprise", "apac", null))
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

        given().contentType(ContentType.JSON).body(organizationJson(child, "startup", "eu", parent))
                .when().post("/api/v1/organizations")
                .then().statusCode(201).body("parent_organization", equalTo(parent));
    }

    @Test
    void rejectsAnUnknownParentNamingTheField() {
        String id = unique("orphan");

        given().contentType(ContentType.JSON).body(organizationJson(id, "startup", "eu", unique("nobody")))
                .when().post("/api/v1/organizations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItem("parent_organization"));

        given().when().get("/api/v1/organizations/" + id).then().statusCode(404);
    }

    @Test
    void rejectsInvalidFieldsListingEachOfThem() {
        given().contentType(ContentType.JSON)
                .body("{\"id\": \"Not Valid\", \"name\": \"x\", \"tier\": \"platinum\", \"region\": \"EU\"}")
                .when().post("/api/v1/organizations")
                .then().statusCode(400)
                .contentType("application/problem+json")
                .body("errors.field", hasItems("id", "tier", "region"));
    }

    @Test
    void answersNotFoundProblemForAnUnknownOrganization() {
        given().when().get("/api/v1/organizations/" + unique("missing"))
                .then().statusCode(404)
                .contentType("application/problem+json")
                .body("type", equalTo("urn:polity:problem:not-found"));
    }

    @Test
    void listsOrganizations() {
        String id = unique("listed");
        createOrganization(id, "apac");

        List<String> ids = given().when().get("/api/v1/organizations")
                .then().statusCode(200).extract().jsonPath().getList("id", String.class);
        assertThat(ids).contains(id).isSorted();
    }
}
