package dev.polity.contracts.json;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

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
}
