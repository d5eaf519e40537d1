package dev.polity.registry.model.rest;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static dev.polity.registry.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

/** Search filters, ranking by usage then recency, keyset pages and their tokens. */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchTest {

    private static final String OWNER = "srch-owner";
    private final String token = "srch" + UUID.randomUUID().toString().substring(0, 8);
    private final List<String> names = new ArrayList<>();

    private boolean prepared;

    /** Once per class, before the first test (RestAssured knows the port only from the first test on). */
    @BeforeEach
    void prepareOnce() {
        if (!prepared) {
            registerModels();
            prepared = true;
        }
    }

    void registerModels() {
        // a: pytorch, tagged fraud, used 5 times; b: pytorch, used twice; c, d: sklearn, unused (d newer); e: private to the owner.
        String[][] models = {
                {"pytorch", "classification", "fraud,payments", "public"},
                {"pytorch", "regression", "payments", "public"},
                {"sklearn", "classification", "churn", "public"},
                {"sklearn", "classification", "churn", "public"},
                {"onnx", "ranking", "fraud", "private"}};
        for (String[] model : models) {
            String name = Api.uniqueName("search");
            names.add(name);
            String tags = String.join("\", \"", model[2].split(","));
            as(OWNER, "ml_engineer").body("""
                            {"version": "1.0.0", "artifact_uri": "s3://m/%s.onnx", "artifact_sha256": "%s", "framework": "%s",
                             "model_type": "%s", "description": "%s model",
                             "model": {"access_level": "%s", "tags": ["%s"], "description": "Payments team model"}}"""
                            .formatted(name, Api.SHA, model[0], model[1], token, model[3], tags))
                    .post("/api/v1/models/{org}/{name}/versions", OWNER, name).then().statusCode(201);
        }
        use(names.get(0), 5);
        use(names.get(1), 2);
    }

    private static void use(String name, int quantity) {
        as(OWNER, "ml_engineer").body(Map.of("kind", "inference", "quantity", quantity))
                .post("/api/v1/models/{org}/{name}/versions/1.0.0/usage", OWNER, name).then().statusCode(201);
    }

    private JsonPath search(String org, Map<String, ?> params) {
        return as(org, "data_scientist").queryParam("q", token).queryParams(params).get("/api/v1/models")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void ranksByUsageThenRecency() {
        assertThat(search(OWNER, Map.of()).getList("items.name", String.class))
                .containsExactly(names.get(0), names.get(1), names.get(4), names.get(3), names.get(2));
        JsonPath first = search("srch-other", Map.of());
        assertThat(first.getList("items.name", String.class)).containsExactly(names.get(0), names.get(1), names.get(3), names.get(2));
        assertThat(first.getInt("items[0].usage_count")).isEqualTo(5);
        assertThat(first.getString("items[0].organization")).isEqualTo(OWNER);
        assertThat(first.getList("items[0].tags", String.class)).containsExactly("fraud", "payments");
        assertThat(first.getString("items[0].access_level")).isEqualTo("public");
        assertThat(first.getString("items[0].risk_level")).isEqualTo("low");
    }

    @Test
    void filtersByFrameworkTypeTagsStatusAndOrganization() {
        assertThat(search("srch-other", Map.of("framework", "sklearn")).getList("items.name", String.class))
                .containsExactly(names.get(3), names.get(2));
        assertThat(search("srch-other", Map.of("type", "regression")).getList("items.name", String.class))
                .containsExactly(names.get(1));
        assertThat(search(OWNER, Map.of("tag", "fraud")).getList("items.name", String.class))
                .containsExactly(names.get(0), names.get(4));
        assertThat(search(OWNER, Map.of("tag", "fraud,payments")).getList("items.name", String.class))
                .containsExactly(names.get(0));
        assertThat(search(OWNER, Map.of("status", "production")).getList("items.name", String.class)).isEmpty();
        assertThat(search(OWNER, Map.of("status", "development", "organization", OWNER)).getList("items.name", String.class)).hasSize(5);
        assertThat(search(OWNER, Map.of("organization", "srch-other")).getList("items.name", String.class)).isEmpty();
        assertThat(as(OWNER, "data_scientist").queryParam("q", "payments team " + token).get("/api/v1/models")
                .then().statusCode(200).extract().jsonPath().getList("items.name", String.class)).hasSize(5);
    }

    @Test
    void pagesWithKeysetTokensThatOnlyContinueTheSameSearch() {
        JsonPath page1 = search("srch-other", Map.of("limit", 3));
        assertThat(page1.getList("items.name", String.class)).containsExactly(names.get(0), names.get(1), names.get(3));
        String next = page1.getString("next_page_token");
        assertThat(next).isNotBlank();
        JsonPath page2 = search("srch-other", Map.of("limit", 3, "page_token", next));
        assertThat(page2.getList("items.name", String.class)).containsExactly(names.get(2));
        assertThat(page2.getString("next_page_token")).isNull();

        as("srch-other", "data_scientist").queryParam("q", token).queryParam("framework", "onnx").queryParam("page_token", next)
                .get("/api/v1/models").then().statusCode(400).contentType(Api.PROBLEM)
                .body("errors.field", contains("page_token"));
        as("srch-other", "data_scientist").queryParam("page_token", "garbage").get("/api/v1/models").then().statusCode(400)
                .body("errors.field", contains("page_token"));
    }

    @Test
    void rejectsBadParametersNamingThem() {
        as(OWNER, "data_scientist").queryParam("limit", 0).queryParam("status", "archived").queryParam("organization", "Bad Org")
                .get("/api/v1/models").then().statusCode(400)
                .body("errors.field", contains("status", "organization", "limit"));
        as(OWNER, "data_scientist").queryParam("limit", 101).get("/api/v1/models").then().statusCode(400);
        as(OWNER, "data_scientist").queryParam("q", "nothing-matches-" + token).get("/api/v1/models").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("next_page_token", nullValue());
    }
}
