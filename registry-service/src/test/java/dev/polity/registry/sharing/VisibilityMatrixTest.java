package dev.polity.registry.sharing;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;

import static dev.polity.registry.testing.Api.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every access level against every kind of caller, on every read: the model, a version, its versions, its card,
 * and the search (with and without an organisation filter, a page at a time). Callers: the owner; a partner the
 * owner declared a collaboration with; a fellow (accepted) consortium member; an organisation invited to the
 * consortium that has not accepted; an organisation that declared a collaboration with the owner (the reverse
 * direction, which opens nothing of the owner's); a stranger.
 */
@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VisibilityMatrixTest {

    private static final String OWNER = "vis-owner";
    private static final List<String> LEVELS = List.of("public", "organization", "consortium", "private");
    /** Which levels each kind of caller sees. */
    private static final Map<String, Set<String>> SEES = new LinkedHashMap<>();

    static {
        SEES.put("vis-owner", Set.of("public", "organization", "consortium", "private"));
        SEES.put("vis-partner", Set.of("public", "organization"));
        SEES.put("vis-fellow", Set.of("public", "consortium"));
        SEES.put("vis-invited", Set.of("public"));
        SEES.put("vis-reverse", Set.of("public"));
        SEES.put("vis-stranger", Set.of("public"));
    }

    private final String token = "vis" + UUID.randomUUID().toString().substring(0, 8);
    private final Map<String, String> modelByLevel = new LinkedHashMap<>();

    private boolean prepared;

    /** Once per class, before the first test (RestAssured knows the port only from the first test on). */
    @BeforeEach
    void prepareOnce() {
        if (!prepared) {
            shareAndRegister();
            prepared = true;
        }
    }

    void shareAndRegister() {
        as(OWNER, "platform_admin").body("{}").put("/api/v1/collaborations/vis-partner").then().statusCode(200);
        as("vis-reverse", "platform_admin").body("{\"trusted\": true}").put("/api/v1/collaborations/" + OWNER).then().statusCode(200);
        String consortium = "c-" + token;
        as(OWNER, "platform_admin").body(Map.of("id", consortium, "name", "Visibility consortium"))
                .post("/api/v1/consortia").then().statusCode(201);
        as(OWNER, "platform_admin").put("/api/v1/consortia/{id}/members/vis-fellow", consortium).then().statusCode(200);
        as(OWNER, "platform_admin").put("/api/v1/consortia/{id}/members/vis-invited", consortium).then().statusCode(200);
        as("vis-fellow", "platform_admin").put("/api/v1/consortia/{id}/members/vis-fellow", consortium).then().statusCode(200);
        for (String level : LEVELS) {
            String name = Api.uniqueName(level);
            modelByLevel.put(level, name);
            as(OWNER, "ml_engineer")
                    .body("""
                            {"version": "1.0.0", "artifact_uri": "s3://m/%s.onnx", "artifact_sha256": "%s",
                             "description": "matrix %s", "model": {"access_level": "%s"}}""".formatted(name, Api.SHA, token, level))
                    .post("/api/v1/models/{org}/{name}/versions", OWNER, name).then().statusCode(201);
        }
    }

    Stream<Arguments> cells() {
        List<Arguments> cells = new ArrayList<>();
        for (String caller : SEES.keySet()) {
            for (String level : LEVELS) {
                cells.add(Arguments.of(caller, level, SEES.get(caller).contains(level)));
            }
        }
        return cells.stream();
    }

    @ParameterizedTest(name = "{0} sees a {1} model: {2}")
    @MethodSource("cells")
    void showsAModelOnlyToTheCallersItsAccessLevelAdmits(String caller, String level, boolean visible) {
        String name = modelByLevel.get(level);
        int expected = visible ? 200 : 404;
        as(caller, "data_scientist").get("/api/v1/models/{org}/{name}", OWNER, name).then().statusCode(expected);
        as(caller, "ml_engineer").get("/api/v1/models/{org}/{name}/versions/1.0.0", OWNER, name).then().statusCode(expected);
        as(caller, "compliance_officer").get("/api/v1/models/{org}/{name}/versions", OWNER, name).then().statusCode(expected);
        as(caller, "compliance_officer").get("/api/v1/models/{org}/{name}/versions/1.0.0/card", OWNER, name).then().statusCode(expected);

        List<String> filtered = searchAll(caller, Map.of("organization", OWNER, "q", token));
        List<String> unfiltered = searchAll(caller, Map.of("q", token));
        if (visible) {
            assertThat(filtered).contains(name);
            assertThat(unfiltered).contains(name);
        } else {
            assertThat(filtered).doesNotContain(name);
            assertThat(unfiltered).doesNotContain(name);
        }
        // Nothing the caller may not see ever shows up: the search results are exactly the visible levels.
        List<String> expectedNames = LEVELS.stream().filter(SEES.get(caller)::contains).map(modelByLevel::get).toList();
        assertThat(unfiltered).containsExactlyInAnyOrderElementsOf(expectedNames);
    }

    /** Every page of a search, one result per page, following the page tokens. */
    private List<String> searchAll(String caller, Map<String, String> filters) {
        List<String> names = new ArrayList<>();
        String pageToken = null;
        do {
            var request = as(caller, "data_scientist").queryParams(filters).queryParam("limit", 1);
            if (pageToken != null) {
                request.queryParam("page_token", pageToken);
            }
            var page = request.get("/api/v1/models").then().statusCode(200).extract().jsonPath();
            names.addAll(page.getList("items.name", String.class));
            pageToken = page.getString("next_page_token");
        } while (pageToken != null);
        return names;
    }
}
