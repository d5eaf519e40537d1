package dev.polity.registry.testing;

import dev.polity.devstack.TestTokens;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

import java.util.UUID;

/** Requests as a given caller, and test data: unique model names, valid registration bodies. */
public final class Api {

    public static final String PROBLEM = "application/problem+json";
    public static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private Api() {
    }

    /** A request with the bearer token of {@code org}'s client holding {@code role}. */
    public static RequestSpecification as(String org, String role) {
        return RestAssured.given().auth().oauth2(TestTokens.of(org, role)).contentType(ContentType.JSON);
    }

    /** The token subject of {@code org}'s client holding {@code role}. */
    public static String subject(String org, String role) {
        return "service-account-" + org + "." + role;
    }

    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** A complete registration body: PII anonymised with consent tracked, no model facts (LOW risk). */
    public static String body(String version) {
        return """
                {
                  "version": "%s",
                  "artifact_uri": "s3://models/fraud/%s/model.onnx",
                  "artifact_sha256": "%s",
                  "framework": "pytorch",
                  "model_type": "classification",
                  "description": "Fraud detection for card payments",
                  "lineage": {
                    "dataset_id": "transactions",
                    "dataset_version": "2024-06",
                    "dataset_hash": "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8",
                    "git_repository": "https://git.example.com/ml/fraud",
                    "git_commit": "a1b2c3d",
                    "git_branch": "main",
                    "feature_store_version": "v12",
                    "hyperparameters": {"learning_rate": 0.001, "epochs": 20, "optimizer": "adam"},
                    "training_duration_seconds": 3600,
                    "hardware": "8x A100"
                  },
                  "performance_metrics": {"accuracy": 0.950, "latency_p99_ms": 42},
                  "fairness_metrics": {
                    "demographic_parity": 0.04,
                    "equalized_odds": 0.06,
                    "disparate_impact": 0.91,
                    "calibration": 0.02,
                    "protected_attributes": ["gender", "age"],
                    "by_group": {"gender=female": {"selection_rate": 0.31}, "gender=male": {"selection_rate": 0.33}}
                  },
                  "training_data": {
                    "contains_pii": false,
                    "sources": ["core-banking", "card-network"]
                  },
                  "model_card": {"intended_use": "Scoring card payments for fraud", "limitations": "Card-present payments only"},
                  "created_by": "alice@acme.example"
                }
                """.formatted(version, version, SHA);
    }

    /** A minimal registration with the given training data and model facts (JSON objects, or null). */
    public static String body(String version, String trainingData, String model) {
        return """
                {"version": "%s", "artifact_uri": "s3://models/x/%s.onnx", "artifact_sha256": "%s",
                 "framework": "xgboost", "model_type": "classification"%s%s}
                """.formatted(version, version, SHA,
                trainingData == null ? "" : ", \"training_data\": " + trainingData,
                model == null ? "" : ", \"model\": " + model);
    }

    /** Registers {@code org/name@version} as an ml_engineer of org, with the given model facts (or none). */
    public static void register(String org, String name, String version, String model) {
        as(org, "ml_engineer").body(body(version, null, model))
                .post("/api/v1/models/{org}/{name}/versions", org, name)
                .then().statusCode(201);
    }
}
