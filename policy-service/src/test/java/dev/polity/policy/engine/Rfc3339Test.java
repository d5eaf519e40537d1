package dev.polity.policy.engine;

import dev.cel.common.internal.DateTimeHelpers;
import dev.polity.contracts.time.Rfc3339;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The fast timestamp parser gives what cel-java's parser gives, or leaves the text to it. */
class Rfc3339Test {

    @Test
    void parsesRandomTimestampsOfTheCommonShapeAsCelJavaDoes() {
        Random random = new Random(42);
        long first = Instant.parse("0001-01-01T00:00:00Z").getEpochSecond();
        long last = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();
        for (int i = 0; i < 50_000; i++) {
            long second = first + (long) (random.nextDouble() * (last - first));
            LocalDateTime time = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
            int fractionDigits = random.nextInt(10);
            StringBuilder text = new StringBuilder(String.format("%04d-%02d-%02dT%02d:%02d:%02d", time.getYear(),
                    time.getMonthValue(), time.getDayOfMonth(), time.getHour(), time.getMinute(), time.getSecond()));
            if (fractionDigits > 0) {
                text.append('.');
                for (int d = 0; d < fractionDigits; d++) {
                    text.append((char) ('0' + random.nextInt(10)));
                }
            }
            text.append('Z');
            assertThat(Rfc3339.parseCommonUtc(text.toString())).as(text.toString())
                    .isNotNull()
                    .isEqualTo(DateTimeHelpers.parse(text.toString()));
        }
    }

    @Test
    void leavesEverythingElseToCelJava() {
        for (String text : List.of("2026-03-01T12:00:00+01:00", "2026-03-01t12:00:00z", "2026-03-01T12:00Z",
                "2026-03-01T12:00:00", "2026-03-01 12:00:00Z", "2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z",
                "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-03-00T00:00:00Z", "2026-03-01T24:00:00Z",
                "2026-03-01T23:60:00Z", "2026-03-01T23:59:60Z", "0000-01-01T00:00:00Z", "+10000-01-01T00:00:00Z",
                "2026-03-01T12:00:00.Z", "2026-03-01T12:00:00.1234567890Z", "2026-03-01T12:00:00,5Z",
                "2026-3-01T12:00:00Z", " 2026-03-01T12:00:00Z", "2026-03-01T12:00:00Z ", "２０２６-03-01T12:00:00Z",
                "2026-03-01T12:00:0xZ", "")) {
            Instant fast = Rfc3339.parseCommonUtc(text);
            Instant celJava;
            try {
                celJava = DateTimeHelpers.parse(text);
            } catch (RuntimeException e) {
                celJava = null;
            }
            if (fast != null) {
                assertThat(fast).as(text).isEqualTo(celJava);
            }
        }
        assertThat(Rfc3339.parseCommonUtc("2024-02-29T00:00:00Z")).isEqualTo(Instant.parse("2024-02-29T00:00:00Z"));
        assertThat(Rfc3339.parseCommonUtc("2026-02-29T00:00:00Z")).isNull();
    }
}
