package dev.polity.registry.model.rest;

import java.util.UUID;

/** Test data: unique model names and valid registration bodies. */
final class ModelVersions {

    static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private ModelVersions() {
    }

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String body(String version) {
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
                    "protected_attributes": ["gender", "age"]
                  },
                  "training_data": {
                    "contains_pii": true,
                    "anonymization_method": "k-anonymity",
                    "consent_tracked": true,
                    "sources": ["core-banking", "card-network"]
                  },
                  "created_by": "alice@acme.example"
                }
                """.formatted(version, version, SHA);
    }
}
