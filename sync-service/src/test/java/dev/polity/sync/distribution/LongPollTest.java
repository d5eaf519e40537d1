package dev.polity.sync.distribution;

import dev.polity.contracts.bundle.Bundles;
import dev.polity.devstack.DevstackTestResource;
import dev.polity.sync.support.SigningKeysTestResource;
import dev.polity.sync.support.SyncOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static dev.polity.sync.support.Api.reader;
import static dev.polity.sync.support.TestData.createOrganization;
import static dev.polity.sync.support.TestData.createPolicy;
import static dev.polity.sync.support.TestData.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "sync"))
@QuarkusTestResource(SigningKeysTestResource.class)
@QuarkusTestResource(SyncOidcTestResource.class)
class LongPollTest {

    private static String currentEtag(String org) {
        return await().atMost(Duration.ofSeconds(20)).until(() -> reader().when().get("/api/v1/bundles/" + org),
                response -> response.statusCode() == 200).header("ETag");
    }

    @Test
    void aLongPollReturnsWithinOneSecondOfAPublish() throws Exception {
        String org = unique("polled");
        createOrganization(org, "eu");
        String etag = currentEtag(org);

        CompletableFuture<Long> answeredAt = new CompletableFuture<>();
        CompletableFuture<Response> poll = CompletableFuture.supplyAsync(() -> {
            Response response = reader().header("If-None-Match", etag).when().get("/api/v1/bundles/" + org + "?wait=30s");
            answeredAt.complete(System.nanoTime());
            return response;
        });
        Thread.sleep(1_000);
        assertThat(poll).as("still waiting: nothing new yet").isNotDone();

        createPolicy(unique("fresh"), "{ level: organization, organization: " + org + " }");
        long published = System.nanoTime();

        Response response = poll.get(10, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.header("ETag")).isNotEqualTo(etag);
        assertThat(Bundles.fromJson(response.asByteArray()).policies()).isNotEmpty();
        assertThat(Duration.ofNanos(answeredAt.get() - published)).isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aLongPollAnswersNotModifiedWhenNothingChangesInTime() {
        String org = unique("quiet");
        createOrganization(org, "eu");
        String etag = currentEtag(org);

        long started = System.nanoTime();
        reader().header("If-None-Match", etag).when().get("/api/v1/bundles/" + org + "?wait=1s")
                .then().statusCode(304);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void aLongPollWithoutACurrentTagAnswersAtOnce() {
        String org = unique("fresh");
        createOrganization(org, "eu");
        currentEtag(org);
        long started = System.nanoTime();
        reader().when().get("/api/v1/bundles/" + org + "?wait=30s").then().statusCode(200);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void rejectsAMalformedWait() {
        reader().when().get("/api/v1/bundles/" + unique("x") + "?wait=soon").then().statusCode(400);
    }
}
