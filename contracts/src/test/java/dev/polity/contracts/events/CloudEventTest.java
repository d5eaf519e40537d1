package dev.polity.contracts.events;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CloudEventTest {

    private final CloudEvent event = new CloudEvent("d-1", "/polity/policy-node/acme", EventTypes.DECISION_MADE,
            "model/acme/fraud", Instant.parse("2026-11-21T10:00:00.123Z"), "application/json",
            Map.of(CloudEvent.EXTENSION_ORGANIZATION, "acme"), "{\"decision\":\"denied\"}".getBytes(StandardCharsets.UTF_8));

    @Test
    void roundTripsThroughBinaryModeHeaders() {
        Map<String, byte[]> headers = event.toKafkaHeaders();
        assertThat(new String(headers.get("ce_specversion"), StandardCharsets.UTF_8)).isEqualTo("1.0");
        assertThat(new String(headers.get("ce_polityorg"), StandardCharsets.UTF_8)).isEqualTo("acme");
        assertThat(CloudEvent.fromKafkaHeaders(headers, event.data())).isEqualTo(event);
    }

    @Test
    void namesTheMissingAttribute() {
        Map<String, byte[]> headers = new HashMap<>(event.toKafkaHeaders());
        headers.remove("ce_source");
        assertThatThrownBy(() -> CloudEvent.fromKafkaHeaders(headers, event.data()))
                .isInstanceOf(InvalidCloudEventException.class)
                .hasMessage("CloudEvent attribute 'source' is missing");
    }

    @Test
    void rejectsStructuredOrForeignRecords() {
        assertThatThrownBy(() -> CloudEvent.fromKafkaHeaders(Map.of(), new byte[0]))
                .hasMessageContaining("specversion");
    }
}
