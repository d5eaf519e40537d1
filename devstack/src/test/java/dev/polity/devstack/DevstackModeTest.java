package dev.polity.devstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DevstackModeTest {

    @Test
    void defaultsToProcessWhenUnsetOrBlank() {
        assertThat(DevstackMode.parse(null)).isEqualTo(DevstackMode.PROCESS);
        assertThat(DevstackMode.parse("  ")).isEqualTo(DevstackMode.PROCESS);
    }

    @Test
    void ignoresCaseAndSurroundingSpace() {
        assertThat(DevstackMode.parse("external")).isEqualTo(DevstackMode.EXTERNAL);
        assertThat(DevstackMode.parse(" Containers ")).isEqualTo(DevstackMode.CONTAINERS);
    }

    @Test
    void rejectsUnknownModeNamingTheAllowedValues() {
        assertThatThrownBy(() -> DevstackMode.parse("docker"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("POLITY_DEVSTACK_MODE='docker'")
                .hasMessageContaining("PROCESS, EXTERNAL, CONTAINERS");
    }
}
