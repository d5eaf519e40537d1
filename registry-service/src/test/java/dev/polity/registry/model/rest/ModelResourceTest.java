package dev.polity.registry.model.rest;

import dev.polity.devstack.DevstackTestResource;
import dev.polity.registry.testing.Api;
import dev.polity.registry.testing.PolicyNodeStub;
import dev.polity.registry.testing.RegistryOidcTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

@QuarkusTest
@QuarkusTestResource(value = DevstackTestResource.class, initArgs = @ResourceArg(name = "database", value = "registry"))
@QuarkusTestResource(RegistryOidcTestResource.class)
@QuarkusTestResource(PolicyNodeStub.class)
class ModelResourceTest {

    private static final String PROBLEM = Api.PROBLEM;

    @Test
    void registersAVersionAndReadsItBack() {
        String name = Api.uniqueName("fraud");
        String location = Api.as("acme", "ml_engineer").body(Api.body("1.4.0"))
                .when().post("/api/v1/models/acme/{name}/versions", name)
                .then().statusCode(201)
                .header("Location", endsWith("/api/v1/models/acme/" + name + "/versions/1.4.0"))
                .body("organization", equalTo("acme"))
                .body("name", equalTo(name))
                .body("version", equalTo("1.4.0"))
                .body("status", equalTo("development"))
                .body("registered_at", notNullValue())
                .body("lineage.hyperparameters.optimizer", equalTo("adam"))
                .extract().header("Location");

        Api.as("acme", "data_scientist").when().get(location)
                .then().statusCode(200)
                .body("version", equalTo("1.4.0"))
                .body("artifact_uri", equalTo("s3://models/fraud/1.4.0/model.onnx"))
                .body("artifact_sha256", equalTo(Api.SHA))
                .body("framework", equalTo("pytorch"))
                .body("model_type", equalTo("classification"))
                .body("description", equalTo("Fraud detection for card payments"))
                .body("lineage.dataset_id", equalTo("transactions"))
                .body("lineage.git_commit", equalTo("a1b2c3d"))
                .body("lineage.hyperparameters.epochs", equalTo(20))
                .body("lineage.training_duration_seconds", equalTo(3600))
                .body("performance_metrics.accuracy", equalTo(0.95f))
                .body("performance_metrics.latency_p99_ms", equalTo(42))
                .body("fairness_metrics.demographic_parity", equalTo(0.04f))
                .body("fairness_metrics.protected_attributes", contains("gender", "age"))
                .body("training_data.contains_pii", equalTo(false))
                .body("training_data.sources", contains("core-banking", "card-network"))
                .body("created_by", equalTo("alice@acme.example"))
                .body("status", equalTo("development"));
    }

    @Test
    void createsTheModelWithItsFirstVersionAndListsNewestFirst() {
        String name = Api.uniqueName("churn");
        for (String version : new String[] {"1.0.0", "1.1.0", "2.0.0"}) {
            Api.as("acme", "ml_engineer").body(Api.body(version))
                    .post("/api/v1/models/acme/{name}/versions", name).then().statusCode(201);
        }

        Api.as("acme", "data_scientist").get("/api/v1/models/acme/{name}/versions", name)
                .then().statusCode(200)
                .body("items.version", contains("2.0.0", "1.1.0", "1.0.0"));
        Api.as("acme", "data_scientist").get("/api/v1/models/acme/{name}", name)
                .then().statusCode(200)
                .body("organization", equalTo("acme"))
                .body("name", equalTo(name))
                .body("version_count", equalTo(3))
                .body("latest_version", equalTo("2.0.0"))
                .body("created_by", equalTo(Api.subject("acme", "ml_engineer")));
    }

    @Test
    void rejectsASecondRegistrationOfTheSameVersion() {
        String name = Api.uniqueName("dup");
        Api.as("acme", "ml_engineer").body(Api.body("1.0.0"))
                .post("/api/v1/models/acme/{name}/versions", name).then().statusCode(201);

        Api.as("acme", "ml_engineer").body(Api.body("1.0.0"))
                .when().post("/api/v1/models/acme/{name}/versions", name)
                .then().statusCode(409)
                .contentType(PROBLEM)
                .body("status", equalTo(409))
                .body("type", equalTo("urn:polity:problem:conflict"))
                .body("detail", equalTo("model acme/" + name + " already has version 1.0.0; "
                        + "registered versions are immutable, register a new version instead"));
    }

    @Test
    void rejectsAMalformedDigestAndVersionNamingEachField() {
        String body = Api.body("1.0").replace(Api.SHA, "not-a-digest");
        Api.as("acme", "ml_engineer").body(body)
                .when().post("/api/v1/models/acme/{name}/versions", Api.uniqueName("bad"))
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("type", equalTo("urn:polity:problem:validation"))
                .body("errors.field", hasItems("version", "artifact_sha256"));
    }

    @Test
    void rejectsAMissingArtifactUri() {
        String body = Api.body("1.0.0").replace("\"artifact_uri\": \"s3://models/fraud/1.0.0/model.onnx\",", "");
        Api.as("acme", "ml_engineer").body(body)
                .when().post("/api/v1/models/acme/{name}/versions", Api.uniqueName("bad"))
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", contains("artifact_uri"));
    }

    @Test
    void rejectsAnUpperCaseModelName() {
        Api.as("acme", "ml_engineer").body(Api.body("1.0.0"))
                .when().post("/api/v1/models/acme/Fraud_Model/versions")
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", contains("name"));
    }

    @Test
    void rejectsMalformedJson() {
        Api.as("acme", "ml_engineer").body("{\"version\": \"1.0.0\", ")
                .when().post("/api/v1/models/acme/{name}/versions", Api.uniqueName("bad"))
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("type", equalTo("urn:polity:problem:malformed-body"));
    }

    @Test
    void rejectsAnEmptyBody() {
        Api.as("acme", "ml_engineer")
                .when().post("/api/v1/models/acme/{name}/versions", Api.uniqueName("bad"))
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", contains("body"));
    }

    @Test
    void rejectsAnUnknownFieldNamingIt() {
        String body = Api.body("1.0.0").replace("\"framework\"", "\"frame_work\"");
        Api.as("acme", "ml_engineer").body(body)
                .when().post("/api/v1/models/acme/{name}/versions", Api.uniqueName("bad"))
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", hasItem("frame_work"));
    }

    @Test
    void rejectsANonNumericMetricNamingIt() {
        String body = Api.body("1.0.0").replace("\"accuracy\": 0.950", "\"accuracy\": \"high\"");
        Api.as("acme", "ml_engineer").body(body)
                .when().post("/api/v1/models/acme/{name}/versions", Api.uniqueName("bad"))
                .then().statusCode(400)
                .contentType(PROBLEM)
                .body("errors.field", hasItem("performance_metrics.accuracy"));
    }

    @Test
    void answersNotFoundForAnUnknownVersionAndModel() {
        String name = Api.uniqueName("absent");
        Api.as("acme", "data_scientist").get("/api/v1/models/acme/{name}/versions/1.0.0", name)
                .then().statusCode(404).contentType(PROBLEM).body("status", equalTo(404));
        Api.as("acme", "data_scientist").get("/api/v1/models/acme/{name}", name)
                .then().statusCode(404).contentType(PROBLEM);
        Api.as("acme", "data_scientist").get("/api/v1/models/acme/{name}/versions", name)
                .then().statusCode(404).contentType(PROBLEM);
    }
}
