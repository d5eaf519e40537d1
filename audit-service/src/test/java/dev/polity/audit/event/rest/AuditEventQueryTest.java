package dev.polity.audit.event.rest;

import dev.polity.audit.AuditKafka;
import dev.polity.contracts.Topics;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.audit.SigningKeysTestResource;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.devstack.OidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.polity.audit.AuditApi.asAuditor;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "audit"))
@QuarkusTestResource(OidcTestResource.class)
@QuarkusTestResource(SigningKeysTestResource.class)
class AuditEventQueryTest {

    private static final String PROBLEM = "application/problem+json";

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    @Test
    void filtersBySubjectTypeOrganizationActorAndTime() {
        String org = AuditKafka.unique("org");
        List<CloudEvent> events = List.of(
                event(org, "model/" + org + "/a", "polity.model.registered", "alice", "2025-01-01T00:00:00Z"),
                event(org, "model/" + org + "/a", "polity.model.transitioned", "bob", "2025-02-01T00:00:00Z"),
                event(org, "model/" + org + "/b", "polity.model.registered", "alice", "2025-03-01T00:00:00Z"),
                event(org, "model/" + org + "/b", "polity.decision.made", "carol", "2025-04-01T00:00:00Z"));
        events.forEach(e -> AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, e));
        awaitCount(org, 4);

        asAuditor().queryParam("organization", org).queryParam("subject", "model/" + org + "/a")
                .get("/api/v1/audit/events").then().statusCode(200)
                .body("items.id", contains(events.get(0).id(), events.get(1).id()));
        asAuditor().queryParam("organization", org).queryParam("type", "polity.model.registered")
                .get("/api/v1/audit/events").then().statusCode(200)
                // Different subjects, different partitions: the log may hold them in either order.
                .body("items.id", containsInAnyOrder(events.get(0).id(), events.get(2).id()));
        asAuditor().queryParam("organization", org).queryParam("actor", "carol")
                .get("/api/v1/audit/events").then().statusCode(200)
                .body("items.id", contains(events.get(3).id()));
        asAuditor().queryParam("organization", org)
                .queryParam("from", "2025-02-01T00:00:00Z").queryParam("to", "2025-04-01T00:00:00Z")
                .get("/api/v1/audit/events").then().statusCode(200)
                .body("items.id", containsInAnyOrder(events.get(1).id(), events.get(2).id()));
    }

    @Test
    void pagesThroughTheLogInSequenceOrder() {
        String org = AuditKafka.unique("paged");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            // One subject, one partition: the log keeps the producer's order.
            CloudEvent e = event(org, "model/" + org + "/m", "polity.model.registered", "alice", "2025-01-01T00:00:0" + i + "Z");
            sent.add(e.id());
            AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS, e);
        }
        awaitCount(org, 5);

        List<String> seen = new ArrayList<>();
        List<Long> sequences = new ArrayList<>();
        Long after = null;
        int pages = 0;
        do {
            var request = asAuditor().queryParam("organization", org).queryParam("limit", 2);
            if (after != null) {
                request.queryParam("after", after);
            }
            var page = request.get("/api/v1/audit/events").then().statusCode(200).extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            sequences.addAll(page.getList("items.sequence", Long.class));
            after = page.getObject("next_after", Long.class);
            pages++;
        } while (after != null && pages < 10);

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyElementsOf(sent);
        assertThat(sequences).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void numbersTheWholeLogWithoutGaps() {
        String org = AuditKafka.unique("gapless");
        for (int i = 0; i < 6; i++) {
            // Different subjects spread the events over the topic's partitions.
            AuditKafka.send(bootstrapServers, Topics.AUDIT_EVENTS,
                    event(org, "model/" + org + "/m" + i, "polity.model.registered", "alice", "2025-01-01T00:00:00Z"));
        }
        awaitCount(org, 6);

        List<Long> all = new ArrayList<>();
        Long after = null;
        do {
            var request = asAuditor().queryParam("limit", 500);
            if (after != null) {
                request.queryParam("after", after);
            }
            var page = request.get("/api/v1/audit/events").then().statusCode(200).extract().jsonPath();
            all.addAll(page.getList("items.sequence", Long.class));
            after = page.getObject("next_after", Long.class);
        } while (after != null);

        assertThat(all).isNotEmpty();
        for (int i = 0; i < all.size(); i++) {
            assertThat(all.get(i)).isEqualTo(i + 1L);
        }
    }

    @Test
    void saysWhenThereIsNoNextPage() {
        asAuditor().queryParam("organization", AuditKafka.unique("nobody")).get("/api/v1/audit/events")
                .then().statusCode(200)
                .body("items", hasSize(0))
                .body("next_after", nullValue())
                .body("$", hasKey("next_after"));
    }

    @Test
    void rejectsALimitOutOfRange() {
        asAuditor().queryParam("limit", 501).get("/api/v1/audit/events")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", contains("limit"));
        asAuditor().queryParam("limit", 0).get("/api/v1/audit/events")
                .then().statusCode(400).contentType(PROBLEM)
                .body("errors.field", contains("limit"));
    }

    @Test
    void rejectsMalformedParametersNamingEachOne() {
        asAuditor().queryParam("limit", "ten").queryParam("after", "-3").queryParam("from", "yesterday")
                .get("/api/v1/audit/events")
                .then().statusCode(400).contentType(PROBLEM)
                .body("type", equalTo("urn:polity:problem:validation"))
                .body("errors.field", containsInAnyOrder("limit", "after", "from"));
    }

    @Test
    void answersNotFoundForAnUnknownSequenceAndBadRequestForANonNumber() {
        asAuditor().get("/api/v1/audit/events/{sequence}", Long.MAX_VALUE)
                .then().statusCode(404).contentType(PROBLEM);
        asAuditor().get("/api/v1/audit/events/{sequence}", "latest")
                .then().statusCode(400).contentType(PROBLEM).body("errors.field", contains("sequence"));
    }

    private void awaitCount(String org, int count) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> asAuditor()
                .queryParam("organization", org).get("/api/v1/audit/events")
                .then().statusCode(200).body("items", hasSize(count)));
    }

    private static CloudEvent event(String org, String subject, String type, String actor, String time) {
        return new CloudEvent(UUID.randomUUID().toString(), "/polity/test/query", type, subject, Instant.parse(time),
                "application/json", Map.of(CloudEvent.EXTENSION_ORGANIZATION, org, CloudEvent.EXTENSION_ACTOR, actor),
                "{}".getBytes(StandardCharsets.UTF_8));
    }
}
