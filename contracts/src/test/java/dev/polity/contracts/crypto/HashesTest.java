package dev.polity.contracts.crypto;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HashesTest {

    @Test
    void recognisesLowerCaseHexSha256Only() {
        String hash = Hashes.sha256Hex("polity".getBytes(StandardCharsets.UTF_8));
        assertThat(Hashes.isSha256Hex(hash)).isTrue();
        assertThat(Hashes.isSha256Hex(hash.toUpperCase())).isFalse();
        assertThat(Hashes.isSha256Hex(hash.substring(1))).isFalse();
        assertThat(Hashes.isSha256Hex(hash + "0")).isFalse();
        assertThat(Hashes.isSha256Hex(hash.substring(1) + "g")).isFalse();
        assertThat(Hashes.isSha256Hex(null)).isFalse();
        assertThat(Hashes.isSha256Hex("")).isFalse();
    }
}
