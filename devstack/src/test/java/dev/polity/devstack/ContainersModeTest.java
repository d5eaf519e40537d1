package dev.polity.devstack;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

class ContainersModeTest {

    @Test
    void failsWithAClearMessageWhenNoDockerEngineIsReachable() {
        assumeFalse(DockerClientFactory.instance().isDockerAvailable(), "a Docker engine is reachable here");

        assertThatThrownBy(() -> Devstack.start(DevstackOptions.builder().mode(DevstackMode.CONTAINERS).build()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("POLITY_DEVSTACK_MODE=CONTAINERS needs a Docker engine")
                .hasMessageContaining("PROCESS mode");
    }
}
