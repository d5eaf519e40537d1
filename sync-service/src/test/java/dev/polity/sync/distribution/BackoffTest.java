package dev.polity.sync.distribution;

import dev.polity.sync.federation.service.EffectiveSettings;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {

    @Test
    void waitsLongerAfterEveryFailedDeliveryUpToTheMaximum() {
        EffectiveSettings settings = new EffectiveSettings(null, null, false, Duration.ofHours(1), 5,
                Duration.ofSeconds(1), 2.0, Duration.ofSeconds(10));
        assertThat(settings.backoff(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.backoff(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(settings.backoff(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(settings.backoff(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(settings.backoff(5)).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.backoff(30)).isEqualTo(Duration.ofSeconds(10));
    }
}
