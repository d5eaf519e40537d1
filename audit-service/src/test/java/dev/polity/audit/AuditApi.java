package dev.polity.audit;

import dev.polity.contracts.crypto.Ed25519;
import dev.polity.devstack.TestTokens;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.ConfigProvider;

import java.security.PublicKey;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;

/** Authenticated requests for tests. */
public final class AuditApi {

    /** Configured in the test profile as a log-wide organisation: its auditors read every event. */
    public static final String LOG_WIDE = "initech";

    private AuditApi() {
    }

    /** An auditor who reads the whole log. */
    public static RequestSpecification asAuditor() {
        return as(LOG_WIDE, "auditor");
    }

    public static RequestSpecification as(String organization, String role) {
        return given().auth().oauth2(TestTokens.of(organization, role));
    }

    public static PublicKey publicKey() {
        return Ed25519.decodePublicKey(ConfigProvider.getConfig().getValue("polity.audit.checkpoint.signing-public-key", String.class));
    }

    /** Waits until a signed checkpoint covers the event with this sequence; returns its tree size. */
    public static long awaitCheckpointCovering(long sequence) {
        return await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(
                () -> {
                    var response = asAuditor().get("/api/v1/audit/checkpoints/latest");
                    return response.statusCode() == 200 ? response.jsonPath().getLong("tree_size") : 0L;
                },
                size -> size >= sequence);
    }
}
