package dev.polity.devstack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.polity.contracts.TopicSpec;
import dev.polity.devstack.process.ChildProcesses;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Nothing devstack starts may outlive it, neither after close() nor after the JVM that started it is killed;
 * and what a persistent work directory holds survives a restart.
 */
class LifecycleTest {

    @Test
    void closeStopsTheBrokerAndPostgresAndDeletesTheTemporaryDirectory() {
        Devstack devstack = Devstack.start(DevstackOptions.builder().mode(DevstackMode.PROCESS).topics(List.of()).build());
        List<ProcessHandle> processes = devstack.processes();
        Path workDirectory = devstack.workDirectory();
        // broker, postmaster, orphan watcher
        assertThat(processes).hasSize(3).allMatch(ChildProcesses::isRunning);

        devstack.close();

        assertThat(processes).noneMatch(ChildProcesses::isRunning);
        assertThat(workDirectory).doesNotExist();
    }

    @Test
    void aRestartInAPersistentDirectoryKeepsDataTopicsAndAddresses() throws Exception {
        // Under target/, not a JUnit @TempDir: those are private to root, and PostgreSQL runs as postgres.
        Path workDirectory = Path.of("target", "lifecycle-" + UUID.randomUUID()).toAbsolutePath();
        TopicSpec topic = new TopicSpec("devstack.test.persistent", 1, Map.of("cleanup.policy", "compact"));
        DevstackOptions options = DevstackOptions.builder().mode(DevstackMode.PROCESS).workDirectory(workDirectory)
                .topics(List.of(topic)).build();
        String kafka;
        PostgresEndpoint postgres;
        try (Devstack first = Devstack.start(options)) {
            kafka = first.kafkaBootstrapServers();
            postgres = first.postgres();
            first.createDatabase("kept");
            try (Connection connection = postgres.connect("kept"); Statement statement = connection.createStatement()) {
                statement.execute("create table marker (id int)");
                statement.execute("insert into marker values (42)");
            }
        }
        assertThat(workDirectory).isDirectory();

        try (Devstack second = Devstack.start(options)) {
            assertThat(second.kafkaBootstrapServers()).isEqualTo(kafka);
            assertThat(second.postgres()).isEqualTo(postgres);
            try (Connection connection = second.postgres().connect("kept");
                 Statement statement = connection.createStatement();
                 ResultSet result = statement.executeQuery("select id from marker")) {
                assertThat(result.next()).isTrue();
                assertThat(result.getInt(1)).isEqualTo(42);
            }
            assertThat(Files.readString(workDirectory.resolve("kafka/broker.log")))
                    .contains("topic " + topic.name() + " exists already");
        } finally {
            WorkDirectory.delete(workDirectory);
        }
    }

    @Test
    void processesStopByThemselvesWhenTheJvmThatStartedThemIsKilled() throws Exception {
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Process probe = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
                "-cp", classpath, OrphanProbeMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<ProcessHandle> started;
        Path workDirectory;
        try (BufferedReader output = new BufferedReader(new InputStreamReader(probe.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            do {
                line = output.readLine();
            } while (line != null && !line.startsWith(OrphanProbeMain.MARKER));
            assertThat(line).as("the probe JVM reports its devstack").isNotNull();
            String[] fields = line.substring(OrphanProbeMain.MARKER.length()).split(" ");
            workDirectory = Path.of(fields[0]);
            started = Arrays.stream(fields, 1, fields.length).map(Long::parseLong)
                    .map(pid -> ProcessHandle.of(pid).orElseThrow()).toList();
        }
        assertThat(started).hasSize(3).allMatch(ChildProcesses::isRunning);

        probe.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (started.stream().anyMatch(ChildProcesses::isRunning) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(started).as("broker, postmaster and watcher after SIGKILL of their JVM").noneMatch(ChildProcesses::isRunning);
        WorkDirectory.delete(workDirectory);
        assertThat(Files.exists(workDirectory)).isFalse();
    }
}
