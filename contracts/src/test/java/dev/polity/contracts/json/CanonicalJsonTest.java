package dev.polity.contracts.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanonicalJsonTest {

    @Test
    void matchesTheRfc8785Example() {
        String input = """
                {
                  "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
                  "string": "\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\"\\/",
                  "literals": [null, true, false]
                }
                """;
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"€$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertThat(new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8)).isEqualTo(expected);
    }

    @Test
    void sortsKeysByUtf16CodeUnitsAsRfc8785Requires() {
        // RFC 8785 §3.2.3 sorting example: the expected order of these keys.
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\",\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        String canonical = new String(CanonicalJson.canonicalize(input), StandardCharsets.UTF_8);
        assertThat(canonical).containsSubsequence("Carriage Return", "One", "Control", "Latin Small", "Euro Sign",
                "Emoji", "Hebrew");
    }

    @Test
    void ignoresKeyOrderAndWhitespace() {
        byte[] a = CanonicalJson.canonicalize("{\"b\": [1, 2, {\"y\": 1, \"x\": 2}], \"a\": \"text\"}");
        byte[] b = CanonicalJson.canonicalize("{\n  \"a\":\"text\",\n\t\"b\":[1,2,{\"x\":2,\"y\":1}]\n}");
        assertThat(a).isEqualTo(b);
        assertThat(new String(a, StandardCharsets.UTF_8)).isEqualTo("{\"a\":\"text\",\"b\":[1,2,{\"x\":2,\"y\":1}]}");
    }

    @ParameterizedTest
    @CsvSource({
            "0, 0",
            "-0.0, 0",
            "1.0, 1",
            "100, 100",
            "1e2, 100",
            "0.1, 0.1",
            "-1.5, -1.5",
            "0.000001, 0.000001",
            "1e-7, 1e-7",
            "1e21, 1e+21",
            "1e20, 100000000000000000000",
            "123456789012345680000, 123456789012345680000",
            "5e-324, 5e-324",
            "1.7976931348623157e308, 1.7976931348623157e+308",
            "9007199254740993, 9007199254740992",
    })
    void formatsNumbersLikeEcmaScript(String json, String expected) {
        assertThat(new String(CanonicalJson.canonicalize("[" + json + "]"), StandardCharsets.UTF_8))
                .isEqualTo("[" + expected + "]");
    }

    @Test
    void rejectsNonFiniteNumbers() {
        assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.NaN)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CanonicalJson.formatNumber(Double.POSITIVE_INFINITY)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void formatsNumbersOfTheCommonRangeAsTheExactPathDoes() {
        SplittableRandom random = new SplittableRandom(20261122);
        double[] edges = {1e-3, Math.nextDown(1e-3), Math.nextUp(1e-3), 1e7, Math.nextDown(1e7), 0.1, 0.2, 0.3, 0.05, 0.85,
                100, 123.456, 9999999.5, 0.001234, 1.0 / 3, 2.0 / 3};
        for (double edge : edges) {
            assertThat(CanonicalJson.formatNumber(edge)).as("%s", edge).isEqualTo(CanonicalJson.formatNumberByDigits(edge));
            assertThat(CanonicalJson.formatNumber(-edge)).as("%s", -edge).isEqualTo(CanonicalJson.formatNumberByDigits(-edge));
        }
        for (int i = 0; i < 200_000; i++) {
            // Uniform over the exponents of the range and beyond it, and short decimals as metrics have them.
            double value = i % 2 == 0
                    ? Math.pow(10, random.nextDouble(-5, 9)) * (random.nextBoolean() ? 1 : -1)
                    : random.nextInt(0, 100_000_000) / Math.pow(10, random.nextInt(0, 9));
            assertThat(CanonicalJson.formatNumber(value)).as("%s", value).isEqualTo(CanonicalJson.formatNumberByDigits(value));
        }
    }

    @Test
    void canonicalizesPlainJavaValuesAsTheTreeOfAMapperWithDefaultInclusion() throws Exception {
        // As the services' ObjectMapper: nulls are written, maps and lists as read from JSON.
        ObjectMapper mapper = JsonMapper.builder().build();
        String[] documents = {
                "{\"b\": 1, \"a\": null, \"c\": [1, 2.5, -0.0, 1e21, 12345678901234567890, 9007199254740993, \"x\"]}",
                "{\"model\": {\"training_data\": {\"size\": 1200000, \"contains_pii\": true, \"sources\": [\"crm\", null]},"
                        + " \"performance_metrics\": {\"accuracy\": 0.91, \"latency_p99_ms\": 42, \"memory_mb\": 1536.0}},"
                        + " \"\\u00e9t\u00e9\": \"\\ud83d\\ude00 tab\\t quote\\\" nl\\n\", \"\\u0001\": {}, \"Z\": [], \"a\": false}",
                "[1e-7, 123e-20, 4.9e-324, 1.7976931348623157e308, 0.000123, 5e-4, 1000000.5, 10000000, -3]",
                "{\"\\ud800\\udc00\": 1, \"\\uffff\": 2, \"\\u00ff\": 3, \"aa\": 4, \"a\": 5, \"\": 6}",
        };
        for (String document : documents) {
            Object plain = mapper.readValue(document, Object.class);
            assertThat(new String(CanonicalJson.canonicalizePlain(plain), StandardCharsets.UTF_8)).as(document)
                    .isEqualTo(new String(CanonicalJson.canonicalize(mapper.valueToTree(plain)), StandardCharsets.UTF_8));
        }
        Map<String, Object> built = new LinkedHashMap<>();
        built.put("long", Long.MAX_VALUE);
        built.put("int", 7);
        built.put("float", 0.1f);
        built.put("big", new java.math.BigDecimal("1.50"));
        built.put("list", new ArrayList<>(Arrays.asList(null, true, "s")));
        assertThat(CanonicalJson.canonicalizePlain(built)).isEqualTo(CanonicalJson.canonicalize(mapper.valueToTree(built)));
    }

    @Test
    void refusesValuesThatAreNotPlainJson() {
        assertThatThrownBy(() -> CanonicalJson.canonicalizePlain(Map.of("when", java.time.Instant.EPOCH)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.time.Instant");
        assertThatThrownBy(() -> CanonicalJson.canonicalizePlain(List.of(Double.NaN))).isInstanceOf(IllegalArgumentException.class);
    }
}
