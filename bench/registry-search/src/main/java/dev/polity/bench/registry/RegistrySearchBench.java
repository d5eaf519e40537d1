package dev.polity.bench.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.polity.devstack.Devstack;
import dev.polity.devstack.DevstackOptions;
import dev.polity.devstack.PostgresEndpoint;
import dev.polity.devstack.oidc.OidcTestServer;
import dev.polity.devstack.process.FreePorts;
import dev.polity.devstack.process.ServiceProcess;
import dev.polity.registry.model.repository.ModelSearchSql;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Visibility-filtered search of the model registry at scale, end to end: the packaged registry-service
 * ({@code quarkus-run.jar}) on a real PostgreSQL and Kafka (devstack), bearer tokens from an OIDC provider,
 * {@code GET /api/v1/models} over HTTP, latency measured by the client.
 *
 * <ol>
 *   <li>starts devstack, an OIDC provider and the registry (Flyway creates the schema);</li>
 *   <li>loads {@code -Dversions} versions (default 100,000) of {@code -Dorganizations} organisations (default 50), ten
 *       versions per model, a quarter of the models at each access level; each organisation declares collaborations
 *       with five others, ten consortia of six accepted members; usage is skewed (a few versions used a lot), statuses,
 *       frameworks, types, tags and descriptions vary; the search document is built by the registry's own
 *       {@code refresh_model_search}; then {@code VACUUM ANALYZE};</li>
 *   <li>warms the service up with {@code -DglobalWarmup} requests over all shapes (default 2,000);</li>
 *   <li>per query shape, {@code -Dwarmup} unmeasured and {@code -Diterations} measured requests, one at a time, each as a
 *       data scientist of a different organisation (round robin), and reports p50, p95, p99 and max;</li>
 *   <li>prints the plan of every shape for one caller ({@code EXPLAIN ANALYZE}).</li>
 * </ol>
 */
public final class RegistrySearchBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] TOPICS = {"fraud", "churn", "credit", "vision", "speech", "triage", "pricing", "search"};

    private RegistrySearchBench() {
    }

    record Shape(String name, String description, Map<String, String> query, int pages) {

        ModelSearchSql.Query sql(String caller, ModelSearchSql.Cursor after) {
            return new ModelSearchSql.Query(caller, query.get("q"), query.get("type"), query.get("framework"),
                    query.containsKey("tag") ? List.of(query.get("tag")) : null, query.get("status"), query.get("organization"),
                    after, 21);
        }
    }

    public static void main(String[] args) throws Exception {
        int versions = Integer.getInteger("versions", 100_000);
        int organizations = Integer.getInteger("organizations", 50);
        int iterations = Integer.getInteger("iterations", 300);
        int warmup = Integer.getInteger("warmup", 200);
        int globalWarmup = Integer.getInteger("globalWarmup", 2000);
        Path root = Path.of(System.getProperty("polity.project.root", "../..")).toAbsolutePath().normalize();
        Path jar = root.resolve("registry-service/target/quarkus-app/quarkus-run.jar");
        System.out.printf(Locale.ROOT, "registry search benchmark: %,d versions, %d organisations, %d cores, %d iterations per shape%n",
                versions, organizations, Runtime.getRuntime().availableProcessors(), iterations);

        try (Devstack devstack = Devstack.start(DevstackOptions.defaults()); OidcTestServer oidc = OidcTestServer.start()) {
            devstack.createDatabase("bench_registry");
            PostgresEndpoint postgres = devstack.postgres();
            List<String> orgs = new ArrayList<>();
            for (int i = 0; i < organizations; i++) {
                orgs.add(String.format(Locale.ROOT, "org-%02d", i));
            }
            int port = FreePorts.pick();
            Map<String, String> config = new HashMap<>();
            config.put("quarkus.http.port", String.valueOf(port));
            config.put("kafka.bootstrap.servers", devstack.kafkaBootstrapServers());
            config.put("quarkus.datasource.reactive.url", postgres.reactiveUrl("bench_registry"));
            config.put("quarkus.datasource.jdbc.url", postgres.jdbcUrl("bench_registry"));
            config.put("quarkus.datasource.username", postgres.username());
            config.put("quarkus.datasource.password", postgres.password());
            config.put("quarkus.oidc.auth-server-url", oidc.issuer());
            config.put("quarkus.log.level", "WARN");
            Path log = root.resolve("bench/registry-search/target/registry-service.log");
            Files.createDirectories(log.getParent());
            try (ServiceProcess service = ServiceProcess.start("registry-service", jar, config, log,
                    URI.create("http://127.0.0.1:" + port + "/q/health/ready"), Duration.ofMinutes(3));
                 Connection db = postgres.connect("bench_registry")) {
                long loadStart = System.nanoTime();
                load(db, orgs, versions);
                System.out.printf(Locale.ROOT, "loaded and analysed in %.1f s%n", (System.nanoTime() - loadStart) / 1e9);

                Map<String, String> tokens = new HashMap<>();
                for (String org : orgs) {
                    tokens.put(org, oidc.issueToken("bench-" + org, Map.of("org_id", org, "team_id", "bench",
                            "roles", List.of("data_scientist")), Duration.ofHours(2)));
                }
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                String base = "http://127.0.0.1:" + port + "/api/v1/models";
                List<Shape> shapes = List.of(
                        new Shape("browse", "no filter, 20 most used visible versions", Map.of(), 1),
                        new Shape("text", "q=fraud (an eighth of the models)", Map.of("q", "fraud"), 1),
                        new Shape("rare-text", "q=model-4242 (one model)", Map.of("q", "model-4242"), 1),
                        new Shape("filters", "framework=pytorch&type=classification&status=production",
                                Map.of("framework", "pytorch", "type", "classification", "status", "production"), 1),
                        new Shape("organization", "organization=org-07 (someone else's, mostly hidden)", Map.of("organization", "org-07"), 1),
                        new Shape("tag", "tag=gdpr (rare tag)", Map.of("tag", "gdpr"), 1),
                        new Shape("deep-page", "no filter, pages 1-5 by page token (each page timed)", Map.of(), 5));
                StringBuilder report = new StringBuilder();
                report.append("| shape | what | requests | HTTP p50 ms | HTTP p95 ms | HTTP p99 ms | HTTP max ms | SQL p50 ms | SQL p95 ms | CPU ms/request | results on page 1 |\n")
                        .append("|---|---|---|---|---|---|---|---|---|---|---|\n");
                // The service's JIT compiles the whole request path once, over every shape, before anything is measured.
                for (int i = 0; i < globalWarmup; i++) {
                    Shape shape = shapes.get(i % shapes.size());
                    Map<String, String> query = new LinkedHashMap<>(shape.query());
                    query.put("limit", "20");
                    http.send(HttpRequest.newBuilder(URI.create(base + "?" + encode(query)))
                            .header("Authorization", "Bearer " + tokens.get(orgs.get(i % orgs.size()))).GET().build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                double loadBefore = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                List<Double> all = new ArrayList<>();
                for (Shape shape : shapes) {
                    List<Double> samples = new ArrayList<>();
                    int hits = 0;
                    int requests = 0;
                    double cpuBefore = cpuMillis(db, service.pid());
                    for (int i = 0; i < warmup + iterations; i++) {
                        String org = orgs.get(i % orgs.size());
                        String pageToken = null;
                        for (int page = 0; page < shape.pages(); page++) {
                            Map<String, String> query = new LinkedHashMap<>(shape.query());
                            query.put("limit", "20");
                            if (pageToken != null) {
                                query.put("page_token", pageToken);
                            }
                            long start = System.nanoTime();
                            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(base + "?" + encode(query)))
                                    .header("Authorization", "Bearer " + tokens.get(org)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
                            double millis = (System.nanoTime() - start) / 1e6;
                            requests++;
                            if (response.statusCode() != 200) {
                                throw new IllegalStateException(shape.name() + ": " + response.statusCode() + " "
                                        + new String(response.body(), StandardCharsets.UTF_8));
                            }
                            JsonNode body = JSON.readTree(response.body());
                            if (i >= warmup) {
                                samples.add(millis);
                                if (page == 0) {
                                    hits += body.get("items").size();
                                }
                            }
                            JsonNode next = body.get("next_page_token");
                            pageToken = next == null || next.isNull() ? null : next.asText();
                            if (pageToken == null) {
                                break;
                            }
                        }
                    }
                    double cpuPerRequest = (cpuMillis(db, service.pid()) - cpuBefore) / requests;
                    all.addAll(samples);
                    double[] sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                    double[] sql = timeSql(db, shape, orgs, warmup, iterations);
                    String row = String.format(Locale.ROOT, "| %s | %s | %d | %.1f | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f | %.1f |%n",
                            shape.name(), shape.description(), sorted.length, percentile(sorted, 50), percentile(sorted, 95),
                            percentile(sorted, 99), sorted[sorted.length - 1], percentile(sql, 50), percentile(sql, 95),
                            cpuPerRequest, hits / (double) iterations);
                    report.append(row);
                    System.out.print(row);
                }
                double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
                String overall = String.format(Locale.ROOT, "| **all** | every request above | %d | %.1f | %.1f | %.1f | %.1f | | | | |%n",
                        sorted.length, percentile(sorted, 50), percentile(sorted, 95), percentile(sorted, 99), sorted[sorted.length - 1]);
                report.append(overall);
                System.out.print(overall);
                double loadAfter = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
                String load = String.format(Locale.ROOT, "%nLoad average (1 min) before the measurements %.1f, after %.1f.%n",
                        loadBefore, loadAfter);
                report.append(load);
                System.out.print(load);
                for (Shape shape : shapes) {
                    String plan = explain(db, shape.sql("org-03", null));
                    report.append("\nPlan of `").append(shape.name()).append("` for org-03:\n\n```\n").append(plan).append("```\n");
                    System.out.println("plan of " + shape.name() + ":\n" + plan);
                }
                Path results = root.resolve("bench/registry-search/target/results.md");
                Files.writeString(results, report.toString());
                System.out.println("results written to " + results);
            }
        }
    }

    private static void load(Connection db, List<String> orgs, int versions) throws Exception {
        int models = Math.max(1, versions / 10);
        int n = orgs.size();
        try (Statement sql = db.createStatement()) {
            sql.execute("select setseed(0.42)");
            String orgArray = "array[" + String.join(",", orgs.stream().map(o -> "'" + o + "'").toList()) + "]";
            String topics = "array['" + String.join("','", TOPICS) + "']";
            sql.execute("""
                    insert into model (organization, name, created_at, created_by, description, owning_team, domain, tags,
                                       access_level, research_use_approved, academic_use_approved)
                    select (%1$s)[1 + i %% %2$d], 'model-' || i, now() - interval '400 days', 'bench',
                           'Model ' || i || ' for ' || (%3$s)[1 + (i / 7) %% 8] || ' scoring',
                           'team-' || (i %% 5), (array['finance','healthcare','retail','legal','safety'])[1 + i %% 5],
                           array[(%3$s)[1 + (i / 7) %% 8], 'tag-' || (i %% 40)] || case when i %% 500 = 0 then array['gdpr'] else array[]::text[] end,
                           (array['public','organization','consortium','private'])[1 + (i * 7 / 3) %% 4],
                           i %% 3 = 0, i %% 4 = 0
                      from generate_series(0, %4$d - 1) i""".formatted(orgArray, n, topics, models));
            sql.execute("""
                    insert into model_version (model_id, organization, model_name, version, version_major, version_minor, version_patch,
                                               artifact_uri, artifact_sha256, framework, model_type, description, status,
                                               registered_at, registered_by, created_by, risk_level, risk_score, usage_count,
                                               status_changed_at, training_data)
                    select m.id, m.organization, m.name, '1.' || v || '.0', 1, v, 0, 's3://bench/' || m.name || '/' || v,
                           lpad(to_hex(m.id), 64, '0'), (array['pytorch','tensorflow','sklearn','xgboost','onnx'])[1 + (m.id + v) %% 5],
                           (array['classification','regression','ranking','generation'])[1 + m.id %% 4],
                           'Version ' || v || ' of ' || m.name,
                           case when v = 10 and m.id %% 3 = 0 then 'production'
                                when v = 9 and m.id %% 3 = 0 then 'deprecated'
                                when v <= 2 and m.id %% 5 = 0 then 'retired'
                                when v >= 8 then 'staging' else 'development' end,
                           now() - ((10 - v) * 30 + (m.id %% 30)) * interval '1 day' - (m.id %% 1440) * interval '1 minute',
                           'bench', 'bench', (array['low','medium','high','critical'])[1 + m.id %% 4], (m.id %% 7)::int,
                           case when random() < 0.3 then floor(power(random(), 3) * 10000)::bigint else 0 end,
                           now(), '{"contains_pii": false}'::jsonb
                      from model m cross join generate_series(1, 10) v""".formatted());
            sql.execute("select count(refresh_model_search(id)) from model");
            // Collaborations: every organisation opens its organization-level models to the next five.
            for (int i = 0; i < n; i++) {
                for (int k = 1; k <= 5; k++) {
                    sql.execute(String.format(Locale.ROOT, "insert into collaboration (organization, partner, trusted, source, created_at) "
                            + "values ('%s', '%s', %s, 'registry', now())", orgs.get(i), orgs.get((i + k * 7) % n), k == 1));
                }
            }
            // Ten consortia of six accepted members.
            Random random = new Random(42);
            for (int c = 0; c < 10; c++) {
                sql.execute(String.format(Locale.ROOT, "insert into consortium (id, name, owner_organization, created_at) "
                        + "values ('consortium-%d', 'Consortium %d', '%s', now())", c, c, orgs.get(c)));
                List<String> members = new ArrayList<>(orgs);
                java.util.Collections.shuffle(members, random);
                members.remove(orgs.get(c));
                members.add(0, orgs.get(c));
                for (String member : members.subList(0, Math.min(6, members.size()))) {
                    sql.execute(String.format(Locale.ROOT, "insert into consortium_member (consortium_id, organization, source, "
                            + "invited_at, accepted_at) values ('consortium-%d', '%s', 'registry', now(), now())", c, member));
                }
            }
            db.setAutoCommit(true);
            sql.execute("vacuum analyze");
            try (ResultSet count = sql.executeQuery("select count(*), count(distinct organization) from model_version")) {
                count.next();
                System.out.printf(Locale.ROOT, "loaded %,d versions of %,d organisations%n", count.getLong(1), count.getLong(2));
            }
        }
    }

    /**
     * The same searches as plain JDBC round trips of the statement the service builds ({@link ModelSearchSql}), one
     * at a time, deep pages continued from the previous page's last row: what PostgreSQL costs without HTTP, token
     * checks and JSON.
     */
    private static double[] timeSql(Connection db, Shape shape, List<String> orgs, int warmup, int iterations) throws Exception {
        List<Double> samples = new ArrayList<>();
        for (int i = 0; i < warmup + iterations; i++) {
            String org = orgs.get(i % orgs.size());
            ModelSearchSql.Cursor after = null;
            for (int page = 0; page < shape.pages(); page++) {
                ModelSearchSql.Statement statement = ModelSearchSql.statement(shape.sql(org, after));
                long start = System.nanoTime();
                int rows = 0;
                try (PreparedStatement query = prepare(db, statement); ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        rows++;
                        if (rows == 20) {
                            after = new ModelSearchSql.Cursor(result.getLong("usage_count"),
                                    result.getTimestamp("registered_at").toInstant(), result.getLong("id"));
                        }
                    }
                }
                if (i >= warmup) {
                    samples.add((System.nanoTime() - start) / 1e6);
                }
                if (rows <= 20) {
                    break;
                }
            }
        }
        return samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    /** The service's {@code $n} statement as JDBC: every {@code $n} becomes a {@code ?} bound to parameter n. */
    private static PreparedStatement prepare(Connection db, ModelSearchSql.Statement statement) throws Exception {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("\\$(\\d+)").matcher(statement.sql());
        StringBuilder sql = new StringBuilder();
        List<Object> bound = new ArrayList<>();
        while (matcher.find()) {
            bound.add(statement.params().get(Integer.parseInt(matcher.group(1)) - 1));
            matcher.appendReplacement(sql, "?");
        }
        matcher.appendTail(sql);
        PreparedStatement query = db.prepareStatement(sql.toString());
        for (int i = 0; i < bound.size(); i++) {
            Object value = bound.get(i);
            if (value instanceof String[] array) {
                query.setArray(i + 1, db.createArrayOf("text", array));
            } else {
                query.setObject(i + 1, value);
            }
        }
        return query;
    }

    /**
     * CPU time used so far by the service process and by the PostgreSQL backends serving the benchmark database (the
     * service's pooled connections; this JDBC connection's own backend excluded), in milliseconds. Unlike latency,
     * it does not grow when other work on the machine competes for the cores.
     */
    private static double cpuMillis(Connection db, long servicePid) throws Exception {
        long nanos = ProcessHandle.of(servicePid).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
        try (Statement sql = db.createStatement(); ResultSet rows = sql.executeQuery(
                "select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()")) {
            while (rows.next()) {
                nanos += ProcessHandle.of(rows.getLong(1)).flatMap(p -> p.info().totalCpuDuration()).map(Duration::toNanos).orElse(0L);
            }
        }
        return nanos / 1e6;
    }

    /** A search as the service builds it, with its plan. */
    private static String explain(Connection db, ModelSearchSql.Query search) throws Exception {
        ModelSearchSql.Statement statement = ModelSearchSql.statement(search);
        StringBuilder plan = new StringBuilder();
        try (PreparedStatement query = prepare(db, new ModelSearchSql.Statement(
                "explain (analyze, buffers off, costs off) " + statement.sql(), statement.params()));
             ResultSet rows = query.executeQuery()) {
            while (rows.next()) {
                plan.append(rows.getString(1)).append('\n');
            }
        }
        return plan.toString();
    }

    private static String encode(Map<String, String> query) {
        List<String> parts = new ArrayList<>();
        query.forEach((k, v) -> parts.add(k + "=" + URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return String.join("&", parts);
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

}
