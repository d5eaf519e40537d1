package dev.polity.bench;

import dev.polity.contracts.Topics;
import dev.polity.contracts.bundle.Bundles;
import dev.polity.contracts.bundle.SignedBundle;
import dev.polity.contracts.crypto.Ed25519;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyDocuments;
import dev.polity.devstack.kafka.KafkaBroker;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.IOException;
import java.net.URI;
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
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Starts a real Kafka broker, an OIDC provider, one packaged policy node (decision logging on:
 * every decision waits for Kafka's acks=all) and the packaged gateway, activates a bundle of the
 * given policies, then drives {@code POST /api/v1/decisions} with wrk: first straight at the
 * node, then through the gateway, same request, same concurrency, same duration.
 *
 * <p>Arguments (system properties): {@code connections} (32), {@code duration} (30s),
 * {@code threads} (2), {@code warmup} (30s, for each of the two JVMs), {@code policies} (directory of policy YAML files; default the standard
 * library if present, else deploy/local/policies), {@code node.jvm} and {@code gateway.jvm} (the services' JVM options,
 * space-separated; default what the node chart's {@code jvmOptions} give in its 512 MiB containers); any other {@code node.<key>} or {@code gateway.<key>} is passed to that
 * service as its configuration key {@code <key>}, for experiments; {@code alternate} (0): after the two phases,
 * that many rounds of {@code alternate.duration} (10s) straight to the node then as long through the gateway, and
 * the gateway's share over all rounds. The machine's speed drifts by tens of per cent within minutes, so two
 * 30 s phases one after the other can disagree by more than a change makes; alternating short phases spreads
 * the drift over both sides. {@code openloop.rates} (none; e.g. {@code 5000,4000}): after the closed-loop phase straight
 * to the node, one phase of {@code duration} per rate with {@code openloop/openloop.c} (built with gcc), which sends on
 * a fixed schedule over the same connections and counts each latency from when its request was due: the latency at
 * a given load, where wrk's closed loop only gives the latency at saturation.
 */
public final class DecisionThroughputBench {

    private static final String ORG = "acme";
    /**
     * The node chart's policyNode.jvmOptions in its 512 MiB container: 60 % of it as heap, half of that young,
     * the parallel collector. Outside a container the percentage would be of the machine's memory, so the heap
     * is given explicitly.
     */
    private static final String NODE_JVM_OPTIONS = "-XX:+UseParallelGC -Xmx307m -XX:NewRatio=1";
    /**
     * What the gateway's JVM gets in the chart's container (512 MiB, one CPU): 60 % of the memory as heap, and one
     * processor, as the JVM's container support sees a one-CPU limit, so the serial collector and threads sized for one
     * CPU. Outside a container the JVM would see this machine's memory and both its CPUs (and pick G1), so both are given.
     */
    private static final String GATEWAY_JVM_OPTIONS = "-Xmx307m -XX:ActiveProcessorCount=1";

    public static void main(String[] args) throws Exception {
        Path root = Path.of(System.getProperty("polity.project.root", ".")).toAbsolutePath().normalize();
        String connections = System.getProperty("connections", "32");
        String duration = System.getProperty("duration", "30s");
        String threads = System.getProperty("threads", "2");
        // 30 s each: with 10 s the node's JIT was still compiling during the direct run on 2 cores.
        String warmup = System.getProperty("warmup", "30s");
        Path policies = Path.of(System.getProperty("policies", defaultPolicies(root).toString()));
        // "direct" measures the node only (no gateway phase): for comparing node builds or settings in half the time.
        boolean gatewayPhase = !System.getProperty("phases", "both").equals("direct");
        int alternate = Integer.parseInt(System.getProperty("alternate", "0"));
        // The CPUs of the whole machine, counted once: in the split layout this JVM itself is moved to half of them.
        int cpus = Runtime.getRuntime().availableProcessors();
        // Each layout measures both phases; "shared" first, so the direct phase of issue 4 comes first. With phases=direct
        // only the node is measured, and the split layout (which is about the gateway) is left out unless asked for.
        // Read before anything starts, so a misspelt layout fails at once, not after the first layout's measurements.
        List<CpuLayout> layouts = Stream.of(System.getProperty("layouts", gatewayPhase ? "shared,split" : "shared").split(","))
                .map(name -> CpuLayout.of(name.trim(), cpus)).toList();
        String alternateDuration = System.getProperty("alternate.duration", "10s");
        // Open-loop phases straight to the node, after the closed-loop one: requests on a fixed schedule at each of these
        // rates (requests/s over the same connections), latency counted from when each request was due (openloop/openloop.c).
        List<String> openLoopRates = System.getProperty("openloop.rates", "").isBlank() ? List.of()
                : List.of(System.getProperty("openloop.rates").split(","));
        Path work = Files.createTempDirectory("polity-bench", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            KafkaBroker broker = KafkaBroker.start(work.resolve("kafka"), Topics.ALL, KafkaBroker.SERVER_JVM_OPTIONS);
            started.add(broker);
            OidcTestServer oidc = OidcTestServer.start();
            started.add(oidc);
            oidc.registerClient("bench", "bench-secret", Map.of("org_id", ORG, "team_id", "bench", "roles", List.of("ml_engineer")));

            KeyPair keys = Ed25519.generateKeyPair();
            List<PolicyDocument> documents = loadPolicies(policies);
            SignedBundle bundle = Bundles.sign(ORG, 1, Instant.now(), documents, keys.getPrivate(), keys.getPublic());
            publish(broker.bootstrapServers(), bundle);
            int rules = documents.stream().mapToInt(policy -> policy.rules().size()).sum();

            int nodePort = FreePorts.pick();
            Map<String, String> node = new HashMap<>();
            node.put("kafka.bootstrap.servers", broker.bootstrapServers());
            node.put("polity.node.organization-id", ORG);
            node.put("polity.node.trusted-public-keys", Ed25519.encodePublicKey(keys.getPublic()));
            node.put("polity.node.state-directory", work.resolve("node").toString());
            node.put("quarkus.oidc.auth-server-url", oidc.issuer());
            node.put("quarkus.http.port", String.valueOf(nodePort));
            node.put("quarkus.log.level", "WARN");
            node.putAll(overrides("node."));
            ServiceProcess nodeProcess = ServiceProcess.start("policy-node", application("node.app", root.resolve("policy-service/target/quarkus-app")),
                    jvmOptions("node.jvm", NODE_JVM_OPTIONS), node,
                    work.resolve("logs/node.log"), URI.create("http://127.0.0.1:" + nodePort + "/q/health/ready"), Duration.ofSeconds(120));
            started.add(nodeProcess);

            int gatewayPort = FreePorts.pick();
            Map<String, String> gateway = new HashMap<>();
            gateway.put("quarkus.oidc.auth-server-url", oidc.issuer());
            gateway.put("polity.gateway.policy-nodes." + ORG, "http://127.0.0.1:" + nodePort);
            gateway.put("polity.gateway.registry-url", "http://127.0.0.1:1");
            gateway.put("polity.gateway.audit-url", "http://127.0.0.1:1");
            gateway.put("polity.gateway.sync-url", "http://127.0.0.1:1");
            gateway.put("quarkus.http.port", String.valueOf(gatewayPort));
            // Break-glass grants come from Kafka; quotas stay on (their cost is part of the measurement) but out of reach.
            gateway.put("kafka.bootstrap.servers", broker.bootstrapServers());
            gateway.put("polity.gateway.quotas.per-hour", "1000000000000");
            gateway.put("polity.gateway.quotas.per-day", "1000000000000");
            gateway.put("quarkus.log.level", "WARN");
            gateway.putAll(overrides("gateway."));
            ServiceProcess gatewayProcess = ServiceProcess.start("gateway", application("gateway.app", root.resolve("gateway/target/quarkus-app")),
                    jvmOptions("gateway.jvm", GATEWAY_JVM_OPTIONS), gateway,
                    work.resolve("logs/gateway.log"), URI.create("http://127.0.0.1:" + gatewayPort + "/q/health/ready"), Duration.ofSeconds(120));
            started.add(gatewayProcess);

            String token = oidc.issueToken("bench", Map.of("org_id", ORG, "team_id", "bench", "roles", List.of("ml_engineer")),
                    Duration.ofHours(1));
            Path script = writeWrkScript(work, token);
            Path openLoop = openLoopRates.isEmpty() ? null : buildOpenLoop(root, work);
            Path openLoopRequest = openLoopRates.isEmpty() ? null : writeOpenLoopRequest(work, nodePort, token);
            System.out.printf("%nbundle: %d policies, %d rules; wrk -t%s -c%s -d%s; %d cores%n", documents.size(), rules,
                    threads, connections, duration, cpus);

            Map<String, Long> pids = new LinkedHashMap<>();
            pids.put("node", nodeProcess.pid());
            pids.put("broker", broker.pid());
            pids.put("gateway", gatewayProcess.pid());
            CpuAccount account = new CpuAccount(pids);
            String nodeUrl = "http://127.0.0.1:" + nodePort + "/api/v1/decisions";
            String gatewayUrl = "http://127.0.0.1:" + gatewayPort + "/api/v1/decisions";
            List<String> shares = new ArrayList<>();
            boolean sampled = false;
            for (CpuLayout layout : layouts) {
                String layoutName = layout.name();
                layout.apply(nodeProcess.pid(), broker.pid(), gatewayProcess.pid());
                System.out.printf("%n##### %s #####%n", layout.describe());
                Wrk wrk = new Wrk(layout, script, threads, connections, account);

                // Warm both JVMs up before measuring, on the CPUs they are measured on: the JIT makes the first seconds unrepresentative.
                wrk.run(nodeUrl, warmup, false);
                if (gatewayPhase) {
                    wrk.run(gatewayUrl, warmup, false);
                }
                if (!sampled) {
                    sampleResponse(root, nodeUrl, token);
                    sampled = true;
                }
                System.out.printf("%n=== straight to the policy node (layout %s) ===%n", layoutName);
                double direct = wrk.run(nodeUrl, duration, true).decisionsPerSecond();
                if (layoutName.equals("shared")) {
                    for (String rate : openLoopRates) {
                        System.out.printf("%n=== straight to the policy node, open loop at %s requests/s ===%n", rate);
                        openLoop(layout, account, openLoop, "127.0.0.1", nodePort, openLoopRequest, connections, threads, rate, duration);
                    }
                }
                if (!gatewayPhase) {
                    continue;
                }
                System.out.printf("%n=== through the gateway (layout %s) ===%n", layoutName);
                double relayed = wrk.run(gatewayUrl, duration, true).decisionsPerSecond();
                shares.add(String.format("layout %s: direct %.0f /s, through the gateway %.0f /s, gateway keeps %.1f %%",
                        layoutName, direct, relayed, 100 * relayed / direct));
                System.out.println(shares.get(shares.size() - 1));
                if (alternate > 0) {
                    shares.add(alternate(wrk, layoutName, nodeUrl, gatewayUrl, alternate, alternateDuration));
                }
            }
            if (!shares.isEmpty()) {
                System.out.printf("%n=== the gateway's share ===%n");
                shares.forEach(System.out::println);
            }
        } finally {
            for (int i = started.size() - 1; i >= 0; i--) {
                started.get(i).close();
            }
        }
    }

    /** {@code -D<prefix><key>=<value>} of this JVM as {@code <key>=<value>} for a service, except the JVM options. */
    private static Map<String, String> overrides(String prefix) {
        Map<String, String> overrides = new HashMap<>();
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith(prefix) && !name.equals(prefix + "jvm") && !name.equals(prefix + "app"))
                .forEach(name -> overrides.put(name.substring(prefix.length()), System.getProperty(name)));
        if (!overrides.isEmpty()) {
            System.out.println(prefix + "* overrides: " + overrides);
        }
        return overrides;
    }

    /** The packaged application's runner: {@code -D<property>=<quarkus-app directory>} (another build, to compare), else the default. */
    private static Path application(String property, Path defaultDirectory) {
        Path directory = Path.of(System.getProperty(property, defaultDirectory.toString())).toAbsolutePath().normalize();
        System.out.println(property + ": " + directory);
        return directory.resolve("quarkus-run.jar");
    }

    private static List<String> jvmOptions(String property, String defaultOptions) {
        String options = System.getProperty(property, defaultOptions).trim();
        System.out.println(property + ": " + options);
        return List.of(options.split("\\s+"));
    }

    private static Path defaultPolicies(Path root) {
        Path library = root.resolve("contracts/src/main/resources/dev/polity/policies/standard");
        return Files.isDirectory(library) ? library : root.resolve("deploy/local/policies");
    }

    private static List<PolicyDocument> loadPolicies(Path directory) throws IOException {
        try (Stream<Path> files = Files.walk(directory)) {
            List<PolicyDocument> documents = new ArrayList<>();
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.getFileName().toString().equals("index.yaml")).sorted().toList()) {
                documents.add(PolicyDocuments.parse(Files.readString(file)));
            }
            return documents;
        }
    }

    /** A realistic request: PII with anonymisation and consent, fairness and performance metrics, production target. */
    static String requestBody() {
        return """
                {"model_id": "acme/credit-risk", "organization_id": "acme", "team_id": "bench",
                 "model_metadata": {"name": "credit-risk", "version": "2.1.0", "algorithm": "xgboost", "created_by": "pipeline",
                   "risk_level": "high",
                   "training_data": {"size": 1200000, "contains_pii": true, "anonymization_method": "k-anonymity", "consent_tracked": true,
                                     "data_sources": ["loans-db", "bureau-feed"], "collected_at": "2026-10-01T00:00:00Z"},
                   "performance_metrics": {"accuracy": 0.91, "precision": 0.88, "recall": 0.86, "f1_score": 0.87, "latency_p99_ms": 42, "memory_mb": 900},
                   "fairness_metrics": {"demographic_parity": 0.04, "equalized_odds": 0.05, "disparate_impact": 0.93,
                                        "protected_attributes": ["gender", "age"]},
                   "model_lineage": {"git_commit": "4f2a9c1", "training_dataset_version": "2026-10", "feature_store_version": "v12",
                                     "data_lineage_hash": "9c1d3e"},
                   "model_card": {"intended_use": "credit scoring", "limitations": "not for employment decisions"}},
                 "deployment_context": {"environment": "production", "region": "eu", "expected_traffic": 1500,
                                        "data_sources": ["loans-db"], "permissions": ["read:features"]},
                 "requested_permissions": ["deploy:production"]}
                """.replace("\n", " ");
    }

    private static Path writeWrkScript(Path work, String token) throws IOException {
        String body = requestBody().replace("\\", "\\\\").replace("\"", "\\\"");
        String lua = "wrk.method = \"POST\"\n"
                + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
                + "wrk.headers[\"Authorization\"] = \"Bearer " + token + "\"\n"
                + "wrk.body = \"" + body + "\"\n"
                + "local errors = 0\n"
                + "response = function(status, headers, body) if status ~= 200 then errors = errors + 1 end end\n"
                + "done = function(summary, latency, requests)\n"
                + "  io.write(string.format(\"non-200 responses (this thread's count is not aggregated; see Non-2xx above): %d\\n\", errors))\n"
                + "  io.write(string.format(\"p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, p99.9 %.2f ms\\n\", latency:percentile(50)/1000, latency:percentile(90)/1000, latency:percentile(99)/1000, latency:percentile(99.9)/1000))\n"
                + "end\n";
        Path script = work.resolve("decision.lua");
        Files.writeString(script, lua, StandardCharsets.UTF_8);
        return script;
    }

    /** What a measured run of a load generator gave: its output, decisions answered, their rate, and the CPU it took. */
    record Run(String output, long decisions, double decisionsPerSecond, CpuAccount.Usage usage) {
    }

    /** Runs wrk on the layout's load-generator CPUs, accounting for the machine's CPU over each run. */
    record Wrk(CpuLayout layout, Path script, String threads, String connections, CpuAccount account) {

        Run run(String url, String duration, boolean print) throws IOException, InterruptedException {
            CpuAccount.Sample start = account.sample();
            Process process = new ProcessBuilder(layout.loadGenerator(List.of("wrk", "-t" + threads, "-c" + connections, "-d" + duration,
                    "--latency", "-s", script.toString(), url))).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (process.waitFor() != 0) {
                throw new IllegalStateException("wrk failed (is it installed? apt-get install wrk):\n" + output);
            }
            CpuAccount.Usage usage = account.sample().since(start);
            if (output.contains("Non-2xx or 3xx responses:") || output.contains("Socket errors:")) {
                throw new IllegalStateException("wrk saw failed requests:\n" + output);
            }
            Run run = new Run(output, number(output, "(\\d+) requests in"), Double.parseDouble(number(output, "Requests/sec:\\s+([0-9.]+)", "Requests/sec")), usage);
            if (print) {
                System.out.println(output);
                System.out.println(usage.perDecision(run.decisions()));
            }
            return run;
        }

        private static long number(String output, String pattern) {
            return Long.parseLong(number(output, pattern, pattern));
        }

        private static String number(String output, String pattern, String what) {
            Matcher matcher = Pattern.compile(pattern).matcher(output);
            if (!matcher.find()) {
                throw new IllegalStateException("no " + what + " in wrk's output:\n" + output);
            }
            return matcher.group(1);
        }
    }

    /**
     * {@code rounds} rounds of {@code duration} straight to the node, then as long through the gateway; prints each round
     * and the CPU per decision of each side over all rounds, and returns the share over all rounds.
     */
    private static String alternate(Wrk wrk, String layoutName, String nodeUrl, String gatewayUrl, int rounds, String duration)
            throws IOException, InterruptedException {
        System.out.printf("%n=== alternating (layout %s): %d rounds of %s straight to the node, then %s through the gateway ===%n",
                layoutName, rounds, duration, duration);
        double directSum = 0;
        double gatewaySum = 0;
        long directDecisions = 0;
        long gatewayDecisions = 0;
        CpuAccount.Usage directUsage = CpuAccount.Usage.NONE;
        CpuAccount.Usage gatewayUsage = CpuAccount.Usage.NONE;
        for (int round = 1; round <= rounds; round++) {
            Run direct = wrk.run(nodeUrl, duration, false);
            Run relayed = wrk.run(gatewayUrl, duration, false);
            directSum += direct.decisionsPerSecond();
            gatewaySum += relayed.decisionsPerSecond();
            directDecisions += direct.decisions();
            gatewayDecisions += relayed.decisions();
            directUsage = directUsage.plus(direct.usage());
            gatewayUsage = gatewayUsage.plus(relayed.usage());
            System.out.printf("round %d: direct %.0f /s, gateway %.0f /s (%.0f %%)%n", round, direct.decisionsPerSecond(),
                    relayed.decisionsPerSecond(), 100 * relayed.decisionsPerSecond() / direct.decisionsPerSecond());
        }
        System.out.println("direct, all rounds: " + directUsage.perDecision(directDecisions));
        System.out.println("gateway, all rounds: " + gatewayUsage.perDecision(gatewayDecisions));
        String share = String.format("layout %s, alternating, all rounds: direct %.0f /s, gateway %.0f /s, gateway keeps %.1f %%",
                layoutName, directSum / rounds, gatewaySum / rounds, 100 * gatewaySum / directSum);
        System.out.println(share);
        return share;
    }

    /** Compiles openloop.c (gcc, which this machine kind has) into the work directory. */
    private static Path buildOpenLoop(Path root, Path work) throws IOException, InterruptedException {
        Path binary = work.resolve("openloop");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-pthread", "-o", binary.toString(),
                root.resolve("bench/decision-throughput/openloop/openloop.c").toString()).redirectErrorStream(true).start();
        String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (gcc.waitFor() != 0) {
            throw new IllegalStateException("gcc could not build openloop:\n" + output);
        }
        return binary;
    }

    /** The whole HTTP/1.1 request openloop sends: the same request, token and headers as wrk's. */
    private static Path writeOpenLoopRequest(Path work, int port, String token) throws IOException {
        byte[] body = requestBody().getBytes(StandardCharsets.UTF_8);
        String head = "POST /api/v1/decisions HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nContent-Type: application/json\r\n"
                + "Authorization: Bearer " + token + "\r\nContent-Length: " + body.length + "\r\n\r\n";
        Path request = work.resolve("openloop-request.http");
        byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
        byte[] whole = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, whole, 0, headBytes.length);
        System.arraycopy(body, 0, whole, headBytes.length, body.length);
        Files.write(request, whole);
        return request;
    }

    private static void openLoop(CpuLayout layout, CpuAccount account, Path binary, String host, int port, Path request, String connections,
                                 String threads, String rate, String duration) throws IOException, InterruptedException {
        String seconds = String.valueOf(seconds(duration));
        CpuAccount.Sample start = account.sample();
        Process process = new ProcessBuilder(layout.loadGenerator(List.of(binary.toString(), "-h", host, "-p", String.valueOf(port),
                "-c", connections, "-t", threads, "-R", rate, "-d", seconds, "-r", request.toString()))).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int exit = process.waitFor();
        CpuAccount.Usage usage = account.sample().since(start);
        System.out.print(output);
        Matcher answered = Pattern.compile("answered: (\\d+) of").matcher(output);
        if (answered.find()) {
            System.out.println(usage.perDecision(Long.parseLong(answered.group(1))));
        }
        if (exit != 0) {
            throw new IllegalStateException("openloop saw failed requests or could not run (exit " + exit + ")");
        }
    }

    /** A wrk duration ({@code 30s}, {@code 2m} or plain seconds) in seconds. */
    static long seconds(String duration) {
        String value = duration.trim();
        if (value.endsWith("m")) {
            return 60 * Long.parseLong(value.substring(0, value.length() - 1));
        }
        if (value.endsWith("s")) {
            return Long.parseLong(value.substring(0, value.length() - 1));
        }
        return Long.parseLong(value); // a unit wrk does not know, or a typo, fails here rather than running for 1 s
    }

    /** One decision, printed by size and kept in results/ so the shape of what is measured is on record. */
    private static void sampleResponse(Path root, String url, String token) throws IOException, InterruptedException {
        // HTTP/1.1 as wrk speaks it, not the JDK client's default h2c upgrade, and a timeout: once in about a dozen
        // runs (session 7) that upgrade's answer arrived whole but the client never completed, and the run hung.
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json").header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(requestBody())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        System.out.printf("sample decision: HTTP %d, %d bytes (results/sample-response.json)%n", response.statusCode(), response.body().length);
        Files.write(root.resolve("bench/decision-throughput/results/sample-response.json"), response.body());
    }

    private static void publish(String bootstrapServers, SignedBundle bundle) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrapServers);
        props.put("acks", "all");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(Topics.POLICY_BUNDLES, ORG, Bundles.toJson(bundle).getBytes(StandardCharsets.UTF_8))).get();
        }
    }

    private DecisionThroughputBench() {
    }
}
