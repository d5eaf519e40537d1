package dev.polity.bench.audit;

import dev.polity.contracts.Topics;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.crypto.Hashes;
import dev.polity.contracts.events.CloudEvent;
import dev.polity.devstack.Devstack;
import dev.polity.devstack.DevstackOptions;
import dev.polity.devstack.kafka.KafkaBroker;
import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Sustained ingest of the audit service (Kafka → dedup under the head lock → RFC 6962 leaves and stored subtrees
 * → PostgreSQL, one transaction per poll) next to a plain batched INSERT of the same rows into the same PostgreSQL,
 * measured in the same run on the same machine.
 *
 * <ol>
 *   <li>generates {@code -Dwarmup} + {@code -Devents} decision events (about 700 bytes of JSON data each, ten
 *       headers);</li>
 *   <li>baseline: inserts them with JDBC batches of {@code -Dbatch} rows ({@code reWriteBatchedInserts}), one commit per
 *       batch, into a table shaped and indexed like {@code audit_event} plus a payload table; timed after the warm-up
 *       rows;</li>
 *   <li>produces them to {@code polity.audit.events} (3 partitions);</li>
 *   <li>starts the packaged audit service on an empty log and samples the log's size every 100 ms until it holds them
 *       all; the sustained rate is taken between 10 % and 90 % of the measured events, after the warm-up events
 *       (start-up, the JIT's warm-up and the tail excluded).</li>
 * </ol>
 *
 * <p>Why a warm-up: a service runs for weeks, and "sustained" means its steady state. Without one, a 200,000-event
 * run measured the JIT as much as the ingest: in a profile of its middle 8 s the service's C2 compiler threads used
 * more CPU than its event loops, Kafka consumers and JDBC worker together (session 9).
 */
public final class AuditIngestBench {

    private AuditIngestBench() {
    }

    public static void main(String[] args) throws Exception {
        int events = Integer.getInteger("events", 200_000);
        int batch = Integer.getInteger("batch", 1000);
        // A multiple of the baseline's batch, so that the baseline's timing starts at a commit.
        int warmup = Integer.getInteger("warmup", 200_000) / batch * batch;
        int total = warmup + events;
        Path root = Path.of(System.getProperty("polity.project.root", ".")).toAbsolutePath().normalize();
        // -Dservice.app=<a quarkus-app directory>: another build of the service, to compare builds.
        Path jar = Path.of(System.getProperty("service.app", root.resolve("audit-service/target/quarkus-app").toString()))
                .toAbsolutePath().resolve("quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run ./mvnw -q install -DskipTests first");
        }
        System.out.printf("audit ingest benchmark: %d events measured after %d warm-up events, %d cores, baseline batch %d, "
                        + "service poll %s%n", events, warmup, Runtime.getRuntime().availableProcessors(), batch,
                System.getProperty("poll", "1000 (default)"));
        List<CloudEvent> generated = generate(total);

        try (Devstack devstack = Devstack.start(DevstackOptions.builder().kafkaJvmOptions(KafkaBroker.SERVER_JVM_OPTIONS).build()); OidcTestServer oidc = OidcTestServer.start()) {
            devstack.createDatabase("bench_plain");
            devstack.createDatabase("bench_audit");
            PostgresEndpoint postgres = devstack.postgres();

            double plain = plainInsert(postgres, generated, batch, warmup);
            System.out.printf(Locale.ROOT, "plain batched INSERT:         %,10.0f events/s%n", plain);

            long produceStart = System.nanoTime();
            produce(devstack.kafkaBootstrapServers(), generated);
            double produced = total / seconds(System.nanoTime() - produceStart);
            System.out.printf(Locale.ROOT, "produced to Kafka:            %,10.0f events/s%n", produced);

            KeyPair keys = Ed25519.generateKeyPair();
            int port = FreePorts.pick();
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.http.port", String.valueOf(port));
            config.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("bench_audit"));
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("bench_audit"));
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
            config.put("quarkus.oidc.auth-server-url", oidc.issuer());
            config.put("quarkus.log.level", "WARN");
            String poll = System.getProperty("poll");
            if (poll != null) {
                config.put("mp.messaging.incoming.audit-events-in.max.poll.records", poll);
                config.put("mp.messaging.incoming.audit-events-in.max.partition.fetch.bytes", String.valueOf(Integer.parseInt(poll) * 2048));
            }
            // Experiments: -Dservice.<config key>=<value> sets any of the service's keys, e.g.
            // -Dservice.polity.audit.checkpoint.max-events=1000
            System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith("service.") && !name.equals("service.app") && !name.equals("service.jvm"))
                    .forEach(name -> config.put(name.substring("service.".length()), System.getProperty(name)));
            config.put("polity.audit.checkpoint.signing-private-key", Ed25519.encodePrivateKey(keys.getPrivate()));
            config.put("polity.audit.checkpoint.signing-public-key", Ed25519.encodePublicKey(keys.getPublic()));
            Path log = root.resolve("bench/audit-ingest/target/audit-service.log");
            try (ServiceProcess service = ServiceProcess.start("audit-service", jar,
                    // What charts/polity-central gives the audit service: the parallel collector, 60 % of its 768Mi
                    // memory limit as heap. -Dservice.jvm= to try others.
                    List.of(System.getProperty("service.jvm", "-XX:+UseParallelGC -Xmx460m").trim().split("\\s+")), config, log,
                    URI.create("http://127.0.0.1:" + port + "/q/health/ready"), Duration.ofMinutes(3));
                 Connection db = postgres.connect("bench_audit")) {
                TreeMap<Long, Long> samples = new TreeMap<>();
                List<CpuSample> cpu = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
                long size = 0;
                for (int tick = 0; size < total && System.nanoTime() < deadline; tick++) {
                    size = single(db, "select size from audit_log_head");
                    samples.put(System.nanoTime(), size);
                    // CPU once a second: walking every process's /proc entries ten times a second cost 3 % of the
                    // machine's CPU (perf, session 9), taken from what is measured.
                    if (tick % 10 == 0) {
                        cpu.add(CpuSample.take(size, service.pid()));
                    }
                    Thread.sleep(100);
                }
                cpu.add(CpuSample.take(size, service.pid()));
                if (size < total) {
                    throw new IllegalStateException("the log holds " + size + " of " + total + " events after 20 minutes");
                }
                long from = warmup + events / 10;
                long to = total - events / 10;
                double sustained = rateBetween(samples, from, to);
                double whole = rateBetween(samples, 1, total);
                double warming = warmup == 0 ? Double.NaN : rateBetween(samples, 1, warmup);
                double firstHalf = rateBetween(samples, from, warmup + events / 2);
                double secondHalf = rateBetween(samples, warmup + events / 2, to);
                long checkpoints = single(db, "select count(*) from audit_checkpoint");
                long nodes = single(db, "select count(*) from audit_merkle_node");
                System.out.printf(Locale.ROOT, "Merkle log ingest, sustained: %,10.0f events/s (10%%-90%% of the measured events)%n", sustained);
                System.out.printf(Locale.ROOT, "Merkle log ingest, whole run: %,10.0f events/s (first to last event, warm-up included)%n", whole);
                System.out.printf(Locale.ROOT, "  warm-up (first %d events): %,.0f events/s%n", warmup, warming);
                System.out.printf(Locale.ROOT, "  10%%-50%%: %,.0f events/s, 50%%-90%%: %,.0f events/s (no slow-down as the log grows)%n",
                        firstHalf, secondHalf);
                System.out.printf(Locale.ROOT, "ratio sustained / plain:      %10.2f%n", sustained / plain);
                System.out.printf("log: %d events, %d stored subtrees, %d checkpoints signed during the run%n", size, nodes, checkpoints);
                CpuSample first = cpu.stream().filter(sample -> sample.size() >= from).findFirst().orElseThrow();
                CpuSample last = cpu.stream().filter(sample -> sample.size() >= to).findFirst().orElseThrow();
                long appended = last.size() - first.size();
                System.out.printf(Locale.ROOT, "CPU per event (10%%-90%%): service %.0f us, PostgreSQL %.0f us, Kafka broker %.0f us%n",
                        (last.serviceNanos() - first.serviceNanos()) / 1000.0 / appended,
                        (last.postgresNanos() - first.postgresNanos()) / 1000.0 / appended,
                        (last.brokerNanos() - first.brokerNanos()) / 1000.0 / appended);
            }
        }
    }

    /**
     * CPU time used so far by the service, by PostgreSQL (the postmaster and every backend: all processes of this
     * machine's {@code postgres} binary, devstack's being the only server a benchmark runs) and by the Kafka broker,
     * when the log held {@code size} events. From /proc, through {@link ProcessHandle}.
     */
    private record CpuSample(long size, long serviceNanos, long postgresNanos, long brokerNanos) {

        static CpuSample take(long size, long servicePid) {
            long postgres = 0;
            long broker = 0;
            for (ProcessHandle process : ProcessHandle.allProcesses().toList()) {
                ProcessHandle.Info info = process.info();
                long nanos = info.totalCpuDuration().map(Duration::toNanos).orElse(0L);
                if (info.command().map(command -> command.endsWith("/postgres")).orElse(false)) {
                    postgres += nanos;
                } else if (isBroker(process)) {
                    broker += nanos;
                }
            }
            long service = ProcessHandle.of(servicePid).flatMap(process -> process.info().totalCpuDuration())
                    .map(Duration::toNanos).orElse(0L);
            return new CpuSample(size, service, postgres, broker);
        }

        /** Read from /proc: {@code ProcessHandle.Info} gives no arguments for the broker's long command line. */
        private static boolean isBroker(ProcessHandle process) {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(process.pid()), "cmdline")),
                        StandardCharsets.UTF_8).contains("BrokerMain");
            } catch (java.io.IOException | RuntimeException e) {
                return false; // gone, or not readable
            }
        }
    }

    /** Events per second while the log grew from {@code from} to {@code to} events, by linear interpolation. */
    private static double rateBetween(TreeMap<Long, Long> samples, long from, long to) {
        long start = crossing(samples, from);
        long end = crossing(samples, to);
        return (to - from) / seconds(end - start);
    }

    private static long crossing(TreeMap<Long, Long> samples, long size) {
        Map.Entry<Long, Long> previous = null;
        for (Map.Entry<Long, Long> sample : samples.entrySet()) {
            if (sample.getValue() >= size) {
                if (previous == null || sample.getValue().equals(previous.getValue())) {
                    return sample.getKey();
                }
                double fraction = (double) (size - previous.getValue()) / (sample.getValue() - previous.getValue());
                return previous.getKey() + (long) (fraction * (sample.getKey() - previous.getKey()));
            }
            previous = sample;
        }
        return samples.lastKey();
    }

    private static List<CloudEvent> generate(int count) {
        List<CloudEvent> events = new ArrayList<>(count);
        String[] outcomes = {"approved", "conditional", "denied"};
        for (int i = 0; i < count; i++) {
            String org = "org-" + (i % 7);
            String model = "model/" + org + "/m" + (i % 97);
            String data = "{\"decision\":{\"decision_id\":\"" + UUID.randomUUID() + "\",\"decision\":\"" + outcomes[i % 3]
                    + "\",\"organization_id\":\"" + org + "\",\"team_id\":\"team-a\",\"model_id\":\"m" + (i % 97)
                    + "\",\"policy_evaluations\":[{\"policy_id\":\"bias-threshold\",\"result\":\"pass\",\"rules\":"
                    + "[{\"name\":\"fairness-tested\",\"passed\":true},{\"name\":\"demographic-parity\",\"passed\":true}]},"
                    + "{\"policy_id\":\"deployment-gate\",\"result\":\"pass\"}],\"conditions\":[],\"constraints\":{},"
                    + "\"bundle_revision\":42,\"bundle_digest\":\"" + "ab".repeat(32) + "\",\"node_id\":\"node-" + org + "\","
                    + "\"evaluated_at\":\"2025-03-01T10:15:30.123456Z\",\"expires_at\":\"2025-03-01T10:20:30.123456Z\"},"
                    + "\"request_digest\":\"" + Hashes.sha256Hex(("request " + i).getBytes(StandardCharsets.UTF_8)) + "\"}";
            events.add(new CloudEvent(UUID.randomUUID().toString(), "/polity/policy-node/" + org + "/node-1",
                    "polity.decision.made", model, Instant.parse("2025-03-01T10:15:30.123456Z").plusMillis(i),
                    "application/json", Map.of(CloudEvent.EXTENSION_ORGANIZATION, org, CloudEvent.EXTENSION_ACTOR,
                    "pipeline-" + org), data.getBytes(StandardCharsets.UTF_8)));
        }
        return events;
    }

    private static void produce(String bootstrapServers, List<CloudEvent> events) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (CloudEvent event : events) {
                ProducerRecord<String, byte[]> record = new ProducerRecord<>(Topics.AUDIT_EVENTS, event.subject(), event.data());
                event.toKafkaHeaders().forEach((name, value) -> record.headers().add(name, value));
                producer.send(record);
            }
            producer.flush();
        }
    }

    /**
     * The same rows, shaped and indexed like audit_event (and its detail and payload tables), in JDBC batches: no
     * lock, no tree.
     * Rows per second after the first {@code warmup} rows (inserted first, not timed: the JIT warms up on them).
     */
    private static double plainInsert(PostgresEndpoint postgres, List<CloudEvent> events, int batch, int warmup) throws Exception {
        Properties props = new Properties();
        props.put("user", postgres.username());
        props.put("password", postgres.password());
        props.put("reWriteBatchedInserts", "true");
        try (Connection db = java.sql.DriverManager.getConnection(postgres.jdbcUrl("bench_plain"), props)) {
            try (Statement ddl = db.createStatement()) {
                ddl.execute("""
                        create table plain_event (
                            sequence bigint primary key, type text not null, subject text,
                            event_time timestamptz not null, organization text, actor text, leaf_hash bytea not null,
                            payload_expires_at timestamptz not null, payload_id bigint not null,
                            received_at timestamptz not null)""");
                // Since V6 the columns no index needs, and the unique (source, event_id), are in audit_event_detail.
                ddl.execute("""
                        create table plain_event_detail (
                            payload_id bigint primary key, source text not null, event_id text not null,
                            data_content_type text, data_sha256 char(64) not null, data_size integer not null,
                            attributes text not null, retention_class text not null, kafka_topic text not null,
                            kafka_partition integer not null, kafka_offset bigint not null, kafka_key text,
                            unique (source, event_id))""");
                // The indexes of audit_event after V4__cheaper_event_indexes.sql.
                ddl.execute("create index on plain_event (subject, sequence)");
                ddl.execute("create index on plain_event (type, sequence)");
                ddl.execute("create index on plain_event (organization, sequence)");
                ddl.execute("create index on plain_event (actor, sequence)");
                ddl.execute("create index on plain_event using brin (event_time timestamptz_minmax_multi_ops)");
                ddl.execute("create index on plain_event using brin (received_at)");
                ddl.execute("create index on plain_event (organization, type, event_time)");
                ddl.execute("create table plain_payload (payload_id bigint not null, expires_at timestamptz not null, data bytea not null)");
                ddl.execute("create index on plain_payload (payload_id)");
            }
            db.setAutoCommit(false);
            long start = System.nanoTime();
            try (PreparedStatement event = db.prepareStatement("insert into plain_event values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement detail = db.prepareStatement("insert into plain_event_detail values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                 PreparedStatement payload = db.prepareStatement("insert into plain_payload values (?, ?, ?)")) {
                for (int i = 0; i < events.size(); i++) {
                    if (i == warmup) {
                        start = System.nanoTime();
                    }
                    CloudEvent e = events.get(i);
                    long sequence = i + 1L;
                    byte[] data = e.data();
                    String sha = Hashes.sha256Hex(data);
                    Timestamp now = Timestamp.from(Instant.now());
                    Timestamp expires = Timestamp.from(Instant.now().plus(Duration.ofDays(7 * 365)));
                    event.setLong(1, sequence);
                    event.setString(2, e.type());
                    event.setString(3, e.subject());
                    event.setTimestamp(4, Timestamp.from(e.time()));
                    event.setString(5, e.organization());
                    event.setString(6, e.actor());
                    event.setBytes(7, Hashes.sha256(data));
                    event.setTimestamp(8, expires);
                    event.setLong(9, sequence); // payload_id
                    event.setTimestamp(10, now);
                    event.addBatch();
                    detail.setLong(1, sequence); // payload_id
                    detail.setString(2, e.source());
                    detail.setString(3, e.id());
                    detail.setString(4, e.dataContentType());
                    detail.setString(5, sha);
                    detail.setInt(6, data.length);
                    detail.setString(7, headersJson(e));
                    detail.setString(8, "decision");
                    detail.setString(9, Topics.AUDIT_EVENTS);
                    detail.setInt(10, i % 3);
                    detail.setLong(11, i / 3);
                    detail.setString(12, e.subject());
                    detail.addBatch();
                    payload.setLong(1, sequence);
                    payload.setTimestamp(2, expires);
                    payload.setBytes(3, data);
                    payload.addBatch();
                    if (sequence % batch == 0 || sequence == events.size()) {
                        detail.executeBatch();
                        event.executeBatch();
                        payload.executeBatch();
                        db.commit();
                    }
                }
            }
            double rate = (events.size() - warmup) / seconds(System.nanoTime() - start);
            try (Statement check = db.createStatement(); ResultSet rows = check.executeQuery("select count(*) from plain_event")) {
                rows.next();
                if (rows.getLong(1) != events.size()) {
                    throw new IllegalStateException("plain insert stored " + rows.getLong(1) + " rows");
                }
            }
            return rate;
        }
    }

    private static String headersJson(CloudEvent event) {
        StringBuilder json = new StringBuilder("[");
        event.toKafkaHeaders().forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append("[\"").append(name).append("\",\"").append(new String(value, StandardCharsets.UTF_8)).append("\"]");
        });
        return json.append(']').toString();
    }

    private static long single(Connection db, String sql) throws Exception {
        try (Statement statement = db.createStatement(); ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
