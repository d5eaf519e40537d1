package dev.polity.bench.propagation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.polity.contracts.Topics;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.json.Json;
import dev.polity.devstack.Devstack;
import dev.polity.devstack.DevstackOptions;
import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * Approved change to activation on N real policy nodes.
 *
 * <p>Starts devstack's Kafka and PostgreSQL, devstack's OIDC provider, the packaged sync-service
 * (with {@code require_approval} on) and N packaged policy-service nodes, one per organisation.
 * Each iteration submits a new version of a global policy as a policy author and approves it as
 * a policy approver; the clock starts just before the approval request is sent and stops, per
 * node, at the node's own {@code activated_at} for the new revision, read from
 * {@code polity.policy.status}. Everything runs on this machine, so the clocks are one clock.
 *
 * <p>System properties: {@code nodes} (20), {@code warmup} (10 changes, not counted: the JVMs' JIT
 * compilers are cold at first), {@code iterations} (30 measured changes), {@code central-only} (false: start
 * no nodes and time approval to the first and the last bundle record sent), {@code polity.project.root}.
 */
public final class BundlePropagationBench {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration START_TIMEOUT = Duration.ofSeconds(300);

    private record Activation(long revision, Instant activatedAt) {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", ".")).toAbsolutePath().normalize();
        int nodeCount = Integer.getInteger("nodes", 20);
        int iterations = Integer.getInteger("iterations", 30);
        int warmup = Integer.getInteger("warmup", 10);
        // PostgreSQL runs as another user and must be able to reach its data directory.
        Path work = Files.createTempDirectory("polity-bench-propagation",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        System.out.println("work directory " + work);
        List<AutoCloseable> started = Collections.synchronizedList(new ArrayList<>());
        try {
            run(root, work, nodeCount, warmup, iterations, started);
        } finally {
            Collections.reverse(started);
            for (AutoCloseable closeable : started) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    System.err.println("stopping " + closeable + ": " + e.getMessage());
                }
            }
        }
    }

    private static void run(Path root, Path work, int nodeCount, int warmup, int iterations, List<AutoCloseable> started)
            throws Exception {
        // Snapshots of the packaged services, so that a rebuild while the benchmark runs cannot disturb it.
        Path syncJar = snapshot(root.resolve("sync-service/target/quarkus-app"), work.resolve("apps/sync-service"));
        Path nodeJar = snapshot(root.resolve("policy-service/target/quarkus-app"), work.resolve("apps/policy-service"));

        Devstack devstack = Devstack.start(DevstackOptions.builder().workDirectory(work.resolve("devstack")).build());
        started.add(devstack);
        devstack.createDatabase("sync");
        OidcTestServer oidc = OidcTestServer.start();
        started.add(oidc);
        oidc.registerClient("bench-admin", "bench-admin-secret",
                Map.of("org_id", "central", "roles", List.of("platform_admin")));
        oidc.registerClient("bench-author", "bench-author-secret",
                Map.of("org_id", "central", "roles", List.of("policy_author")));
        oidc.registerClient("bench-approver", "bench-approver-secret",
                Map.of("org_id", "central", "roles", List.of("policy_approver")));
        String token = oidc.tokenEndpoint().toString();

        KeyPair keys = Ed25519.generateKeyPair();
        int syncPort = FreePorts.pick();
        String sync = "http://127.0.0.1:" + syncPort;
        PostgresEndpoint postgres = devstack.postgres();
        Map<String, String> syncConfig = new HashMap<>();
        syncConfig.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
        syncConfig.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("sync"));
        syncConfig.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("sync"));
        syncConfig.put("quarkus.datasource.username", postgres.username());
        syncConfig.put("quarkus.datasource.password", postgres.password());
        syncConfig.put("polity.bundles.signing-private-key", Ed25519.encodePrivateKey(keys.getPrivate()));
        syncConfig.put("polity.bundles.signing-public-key", Ed25519.encodePublicKey(keys.getPublic()));
        syncConfig.put("polity.authoring.require-approval", "true");
        syncConfig.put("quarkus.oidc.auth-server-url", oidc.issuer());
        syncConfig.put("quarkus.http.port", String.valueOf(syncPort));
        syncConfig.put("quarkus.devservices.enabled", "false");
        started.add(ServiceProcess.start("sync-service", syncJar, syncConfig, work.resolve("logs/sync-service.log"),
                URI.create(sync + "/q/health/ready"), START_TIMEOUT));

        String admin = token(token, "bench-admin");
        List<String> organizations = new ArrayList<>();
        for (int i = 1; i <= nodeCount; i++) {
            String id = String.format(Locale.ROOT, "bench-org-%02d", i);
            organizations.add(id);
            send("POST", sync + "/api/v1/organizations", "application/json",
                    "{\"id\": \"" + id + "\", \"name\": \"Bench " + i + "\", \"tier\": \"business\", \"region\": \"eu\"}",
                    admin, 201);
        }
        approvedChange(sync, token, 0);

        Map<String, Activation> latest = new ConcurrentHashMap<>();
        StatusReader reader = new StatusReader(devstack.kafkaBootstrapServers(), latest);
        started.add(reader);
        reader.start();
        Map<String, Instant> publishedAt = new ConcurrentHashMap<>();
        BundleReader bundles = new BundleReader(devstack.kafkaBootstrapServers(), publishedAt);
        started.add(bundles);
        bundles.start();

        if (Boolean.getBoolean("central-only")) {
            centralOnly(root, sync, token, organizations, publishedAt, warmup, iterations);
            return;
        }
        long nodesStarted = System.nanoTime();
        // Four at a time: on two cores, more only makes every start slower.
        java.util.concurrent.ExecutorService starter = java.util.concurrent.Executors.newFixedThreadPool(4);
        List<CompletableFuture<ServiceProcess>> nodes = new ArrayList<>();
        for (String organization : organizations) {
            int port = FreePorts.pick();
            Map<String, String> config = new HashMap<>();
            config.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
            config.put("polity.node.organization-id", organization);
            config.put("polity.node.region", "eu");
            config.put("polity.node.trusted-public-keys", Ed25519.encodePublicKey(keys.getPublic()));
            config.put("polity.node.state-directory", work.resolve("nodes").resolve(organization).toString());
            config.put("quarkus.oidc.auth-server-url", oidc.issuer());
            config.put("quarkus.http.port", String.valueOf(port));
            config.put("quarkus.devservices.enabled", "false");
            nodes.add(CompletableFuture.supplyAsync(() -> ServiceProcess.start("node-" + organization, nodeJar, config,
                    work.resolve("logs/node-" + organization + ".log"), URI.create("http://127.0.0.1:" + port + "/q/health/ready"),
                    START_TIMEOUT), starter));
        }
        for (CompletableFuture<ServiceProcess> node : nodes) {
            started.add(node.join());
        }
        starter.shutdown();
        System.out.printf(Locale.ROOT, "%d policy nodes ready in %d s%n", nodeCount,
                Duration.ofNanos(System.nanoTime() - nodesStarted).toSeconds());
        waitFor(() -> latest.keySet().containsAll(organizations), Duration.ofSeconds(60), "every node's first status report");
        Thread.sleep(2_000);

        List<Long> samples = new ArrayList<>();
        List<Long> central = new ArrayList<>();
        List<Long> node = new ArrayList<>();
        List<Long> slowestPerChange = new ArrayList<>();
        for (int iteration = 1 - warmup; iteration <= iterations; iteration++) {
            Map<String, Long> before = new HashMap<>();
            organizations.forEach(org -> before.put(org, latest.get(org).revision()));
            Instant approvedAt = approvedChange(sync, token, iteration + warmup);
            waitFor(() -> organizations.stream().allMatch(org -> latest.get(org).revision() > before.get(org)),
                    Duration.ofSeconds(30), "activation of change " + iteration + " on every node");
            if (iteration <= 0) {
                System.out.printf(Locale.ROOT, "warm-up %2d: all %d nodes active after %d ms%n", iteration + warmup, nodeCount,
                        organizations.stream().mapToLong(org -> Duration.between(approvedAt, latest.get(org).activatedAt())
                                .toMillis()).max().orElse(0));
                Thread.sleep(500);
                continue;
            }
            long slowest = 0;
            for (String org : organizations) {
                Activation activation = latest.get(org);
                long millis = Duration.between(approvedAt, activation.activatedAt()).toMillis();
                samples.add(millis);
                slowest = Math.max(slowest, millis);
                Instant published = publishedAt.get(org + "@" + activation.revision());
                if (published != null) {
                    central.add(Duration.between(approvedAt, published).toMillis());
                    node.add(Duration.between(published, activation.activatedAt()).toMillis());
                }
            }
            slowestPerChange.add(slowest);
            System.out.printf(Locale.ROOT, "change %2d: all %d nodes active after %d ms%n", iteration, nodeCount, slowest);
            Thread.sleep(500);
        }
        Collections.sort(samples);
        Collections.sort(slowestPerChange);
        Collections.sort(central);
        Collections.sort(node);
        String result = String.format(Locale.ROOT, """
                        nodes=%d warm-up changes=%d measured changes=%d samples=%d
                        approved change -> activation, per node: p50=%d ms p90=%d ms p99=%d ms max=%d ms
                        approved change -> activation on all %d nodes: p50=%d ms p99=%d ms max=%d ms
                          of which approval -> bundle record sent (central authority): p50=%d ms p99=%d ms
                          of which bundle record sent -> activated (Kafka + node): p50=%d ms p99=%d ms
                        """, nodeCount, warmup, iterations, samples.size(),
                percentile(samples, 0.50), percentile(samples, 0.90), percentile(samples, 0.99), samples.getLast(),
                nodeCount, percentile(slowestPerChange, 0.50), percentile(slowestPerChange, 0.99), slowestPerChange.getLast(),
                percentile(central, 0.50), percentile(central, 0.99), percentile(node, 0.50), percentile(node, 0.99));
        System.out.println(result);
        Path out = root.resolve("bench/bundle-propagation/target/results.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, result);
    }

    /**
     * Without nodes: approval to the first and the last of the N bundle records sent, per change.
     * Warm-up changes are printed but not counted; the summary gives p50/p99/max over the measured ones.
     */
    private static void centralOnly(Path root, String sync, String token, List<String> organizations,
                                    Map<String, Instant> publishedAt, int warmup, int iterations) throws Exception {
        Thread.sleep(2_000);
        List<Long> answeredAfter = new ArrayList<>();
        List<Long> firstSent = new ArrayList<>();
        List<Long> lastSent = new ArrayList<>();
        for (int iteration = 1 - warmup; iteration <= iterations; iteration++) {
            int size = publishedAt.size();
            Instant approvedAt = approvedChange(sync, token, iteration + warmup);
            long answered = Duration.between(approvedAt, Instant.now()).toMillis();
            waitFor(() -> publishedAt.size() >= size + organizations.size(), Duration.ofSeconds(30),
                    "bundles of change " + iteration);
            List<Long> sent = new ArrayList<>();
            publishedAt.values().forEach(at -> {
                long millis = Duration.between(approvedAt, at).toMillis();
                if (millis >= -50) {
                    sent.add(millis);
                }
            });
            Collections.sort(sent);
            System.out.printf(Locale.ROOT, "%s %2d: approval answered after %d ms; bundles sent after %d .. %d ms%n",
                    iteration <= 0 ? "warm-up" : "change", iteration <= 0 ? iteration + warmup : iteration,
                    answered, sent.getFirst(), sent.getLast());
            if (iteration > 0) {
                answeredAfter.add(answered);
                firstSent.add(sent.getFirst());
                lastSent.add(sent.getLast());
            }
            Thread.sleep(500);
        }
        Collections.sort(answeredAfter);
        Collections.sort(firstSent);
        Collections.sort(lastSent);
        String result = String.format(Locale.ROOT, """
                        central only: organisations=%d warm-up changes=%d measured changes=%d
                        approval answered: p50=%d ms p99=%d ms max=%d ms
                        approval -> first bundle record sent: p50=%d ms p99=%d ms max=%d ms
                        approval -> last bundle record sent: p50=%d ms p99=%d ms max=%d ms
                        """, organizations.size(), warmup, iterations,
                percentile(answeredAfter, 0.50), percentile(answeredAfter, 0.99), answeredAfter.getLast(),
                percentile(firstSent, 0.50), percentile(firstSent, 0.99), firstSent.getLast(),
                percentile(lastSent, 0.50), percentile(lastSent, 0.99), lastSent.getLast());
        System.out.println(result);
        Path out = root.resolve("bench/bundle-propagation/target/results-central-only.txt");
        Files.createDirectories(out.getParent());
        Files.writeString(out, result);
    }

    /** Submits version {@code n} of the global benchmark policy as the author and approves it as the approver. */
    private static Instant approvedChange(String sync, String tokenEndpoint, int n) throws Exception {
        String policy = """
                id: bench-threshold
                name: Benchmark threshold
                scope: { level: global }
                type: bias
                enforcement: blocking
                params: { max_score: %s }
                rules:
                  - name: within-threshold
                    expression: "!has(request.model.score) || request.model.score <= params.max_score"
                    message: Score above threshold
                """.formatted(String.format(Locale.ROOT, "%.4f", 0.5 + n / 10_000.0));
        String author = token(tokenEndpoint, "bench-author");
        JsonNode change = Json.mapper().readTree(send("POST", sync + "/api/v1/policies", "application/yaml", policy, author, 202));
        String approver = token(tokenEndpoint, "bench-approver");
        Instant approvedAt = Instant.now();
        send("POST", sync + "/api/v1/policy-changes/" + change.get("id").asText() + "/approve", "application/json",
                "{\"comment\": \"benchmark\"}", approver, 200);
        return approvedAt;
    }

    private static long percentile(List<Long> sorted, double p) {
        if (sorted.isEmpty()) {
            return -1;
        }
        int index = (int) Math.ceil(p * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, Duration timeout, String what)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out waiting for " + what);
            }
            Thread.sleep(5);
        }
    }

    private static Path snapshot(Path app, Path target) throws IOException {
        if (!Files.isRegularFile(app.resolve("quarkus-run.jar"))) {
            throw new IllegalStateException(app + " has no quarkus-run.jar; package the services first (./mvnw -q install -DskipTests)");
        }
        try (Stream<Path> files = Files.walk(app)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(app.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        return target.resolve("quarkus-run.jar");
    }

    private static String token(String endpoint, String client) throws Exception {
        String basic = Base64.getEncoder().encodeToString((client + ":" + client + "-secret").getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + basic)
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&client_id="
                        + URLEncoder.encode(client, StandardCharsets.UTF_8))).build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("token for " + client + ": " + response.statusCode() + " " + response.body());
        }
        return Json.mapper().readTree(response.body()).get("access_token").asText();
    }

    private static String send(String method, String url, String contentType, String body, String bearer, int expected)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Authorization", "Bearer " + bearer);
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != expected) {
            throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Assigns every partition of the topic to the consumer (no group) and rewinds it to the start. */
    private static void readFromTheBeginning(KafkaConsumer<String, String> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
    }

    /** Follows polity.policy.status: each organisation's node's latest active revision and activation time. */
    private static final class StatusReader extends Thread implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final Map<String, Activation> latest;
        private volatile boolean running = true;

        StatusReader(String bootstrap, Map<String, Activation> latest) {
            super("status-reader");
            setDaemon(true);
            Properties properties = new Properties();
            properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
            this.latest = latest;
            readFromTheBeginning(consumer, Topics.POLICY_STATUS);
        }

        @Override
        public void run() {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                    try {
                        JsonNode status = Json.mapper().readTree(record.value());
                        JsonNode revision = status.get("active_revision");
                        JsonNode activatedAt = status.get("activated_at");
                        if (revision == null || revision.isNull() || activatedAt == null || activatedAt.isNull()) {
                            continue;
                        }
                        Instant at = activatedAt.isNumber()
                                ? Instant.ofEpochSecond(0, (long) (activatedAt.asDouble() * 1_000_000_000L))
                                : Instant.parse(activatedAt.asText());
                        latest.merge(status.get("organization_id").asText(), new Activation(revision.asLong(), at),
                                (old, now) -> now.revision() >= old.revision() ? now : old);
                    } catch (IOException | RuntimeException e) {
                        System.err.println("unreadable status: " + e.getMessage());
                    }
                }
            }
            consumer.close();
        }

        @Override
        public void close() {
            running = false;
        }
    }

    /** Follows polity.policy.bundles: when each organisation's revision was sent (the record's CreateTime). */
    private static final class BundleReader extends Thread implements AutoCloseable {

        private final KafkaConsumer<String, String> consumer;
        private final Map<String, Instant> publishedAt;
        private volatile boolean running = true;

        BundleReader(String bootstrap, Map<String, Instant> publishedAt) {
            super("bundle-reader");
            setDaemon(true);
            Properties properties = new Properties();
            properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
            properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
            properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(8 * 1024 * 1024));
            this.consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer());
            this.publishedAt = publishedAt;
            readFromTheBeginning(consumer, Topics.POLICY_BUNDLES);
        }

        @Override
        public void run() {
            while (running) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(20))) {
                    try {
                        long revision = Json.mapper().readTree(record.value()).at("/manifest/revision").asLong();
                        publishedAt.put(record.key() + "@" + revision, Instant.ofEpochMilli(record.timestamp()));
                    } catch (IOException | RuntimeException e) {
                        System.err.println("unreadable bundle: " + e.getMessage());
                    }
                }
            }
            consumer.close();
        }

        @Override
        public void close() {
            running = false;
        }
    }
}
