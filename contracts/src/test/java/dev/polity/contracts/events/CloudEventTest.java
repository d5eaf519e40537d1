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

    /** Other producers may write any RFC 3339 spelling; only Instant.toString()'s takes the fast parser. */
    @Test
    void readsEveryRfc3339SpellingOfTheTime() {
        for (String time : new String[] {"2026-11-21T10:00:00.123Z", "2026-11-21T11:00:00.123+01:00", "2026-11-21t10:00:00.123z",
                "2026-11-21T10:00:00.123000000Z"}) {
            Map<String, byte[]> headers = new HashMap<>(event.toKafkaHeaders());
            headers.put("ce_time", time.getBytes(StandardCharsets.UTF_8));
            assertThat(CloudEvent.fromKafkaHeaders(headers, event.data()).time()).as(time).isEqualTo(event.time());
        }
        Map<String, byte[]> headers = new HashMap<>(event.toKafkaHeaders());
        headers.put("ce_time", "2026-11-21 10:00".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> CloudEvent.fromKafkaHeaders(headers, event.data()))
                .isInstanceOf(InvalidCloudEventException.class).hasMessageContaining("time");
    }

    @Test
    void acceptsOnlyLowerCaseAlphanumericExtensionNamesOfAtMostTwentyCharacters() {
        for (String name : new String[] {"polityorg", "a", "x1234567890123456789"}) {
            assertThat(new CloudEvent("d-1", "/s", "t", null, event.time(), null, Map.of(name, "v"), null).extensions())
                    .containsKey(name);
        }
        for (String name : new String[] {"", "Polityorg", "polity-org", "x12345678901234567890", "id"}) {
            assertThatThrownBy(() -> new CloudEvent("d-1", "/s", "t", null, event.time(), null, Map.of(name, "v"), null))
                    .as(name).isInstanceOf(InvalidCloudEventException.class);
        }
    }
}
