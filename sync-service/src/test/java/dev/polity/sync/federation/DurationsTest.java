package dev.polity.sync.federation;

import dev.polity.sync.federation.service.Durations;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void parsesTheDurationsFederationFilesUse() {
        assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("24h")).isEqualTo(Duration.ofDays(1));
        assertThat(Durations.parse("7y")).isEqualTo(Duration.ofDays(7 * 365));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.parse("2w")).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void rejectsWhatIsNotADuration() {
        assertThatThrownBy(() -> Durations.parse("soon")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("5")).hasMessageContaining("not a duration");
        assertThatThrownBy(() -> Durations.parse("-1h")).hasMessageContaining("not a duration");
    }
}
