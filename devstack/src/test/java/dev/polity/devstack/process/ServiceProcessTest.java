package dev.polity.devstack.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessTest {

    @TempDir
    static Path directory;
    private static Path runJar;

    /** A runnable jar holding {@link FakeServiceMain}, launched exactly like quarkus-run.jar. */
    @BeforeAll
    static void buildRunnableJar() throws IOException {
        runJar = directory.resolve("fake-run.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeServiceMain.class.getName());
        String classFile = FakeServiceMain.class.getName().replace('.', '/') + ".class";
        try (OutputStream out = Files.newOutputStream(runJar);
             JarOutputStream jar = new JarOutputStream(out, manifest);
             InputStream classBytes = FakeServiceMain.class.getResourceAsStream("/" + classFile)) {
            jar.putNextEntry(new JarEntry(classFile));
            classBytes.transferTo(jar);
            jar.closeEntry();
        }
    }

    @Test
    void startsWaitsUntilReadyAndStopsLeavingNothingBehind() {
        int port = FreePorts.pick();
        Path log = directory.resolve("ready/fake.log");

        ServiceProcess service = ServiceProcess.start("fake", runJar, Map.of("fake.port", String.valueOf(port)), log,
                URI.create("http://127.0.0.1:" + port + "/q/health/ready"), Duration.ofSeconds(30));
        ProcessHandle handle = ProcessHandle.of(service.pid()).orElseThrow();

        assertThat(service.isAlive()).isTrue();
        assertThat(handle.info().arguments().orElseThrow()).contains("-Xmx256m", "-Dfake.port=" + port);
        assertThat(log).content().contains("fake service listening");

        service.stop();

        assertThat(ChildProcesses.isRunning(handle)).isFalse();
    }

    @Test
    void killEndsTheProcessAbruptly() {
        int port = FreePorts.pick();
        ServiceProcess service = ServiceProcess.start("fake", runJar, Map.of("fake.port", String.valueOf(port)),
                directory.resolve("kill/fake.log"), URI.create("http://127.0.0.1:" + port + "/q/health/ready"),
                Duration.ofSeconds(30));

        service.kill();

        assertThat(service.isAlive()).isFalse();
    }

    @Test
    void reportsAnEarlyExitWithTheEndOfTheLog() {
        Path log = directory.resolve("fail/fake.log");

        assertThatThrownBy(() -> ServiceProcess.start("broken", runJar, Map.of("fake.fail", "true"), log,
                URI.create("http://127.0.0.1:" + FreePorts.pick() + "/q/health/ready"), Duration.ofSeconds(30)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken exited with code 3")
                .hasMessageContaining("boom: configuration is invalid");
    }

    @Test
    void reportsATimeoutWithTheEndOfTheLog() {
        int port = FreePorts.pick();

        assertThatThrownBy(() -> ServiceProcess.start("slow", runJar, Map.of("fake.port", String.valueOf(port)),
                directory.resolve("slow/fake.log"), URI.create("http://127.0.0.1:" + port + "/not-ready"),
                Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("slow was not ready within 2 s")
                .hasMessageContaining("last answered 404")
                .hasMessageContaining("fake service listening");
    }
}
