package dev.polity.policy.engine;

import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.polity.contracts.json.Json;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyRule;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.library.LibraryFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test of the closure compiler against cel-java's interpreter over the whole standard
 * library: every expression (match guards, rule expressions, message expressions) of every library
 * policy, evaluated by both engines against a corpus of requests, must give the same value of the
 * same type, or an error from both.
 *
 * <p>The corpus: the library's example request shaped as the node and the benchmark pass it to
 * CEL, the benchmark's denied request, the request as {@code DecisionService} builds it (a
 * current {@code now} with nanoseconds, the default region), every case of the library's test
 * fixtures, and mutations of the example: every field at every level removed, and replaced by
 * values of every other type (strings, timestamps, durations, ints and doubles at their extremes,
 * NaN, bools, empty and non-empty lists and maps, an {@code Instant}). Each policy's parameters
 * are mutated the same way.
 */
class StandardLibraryDifferentialTest {

    static final String NOW = "2026-03-01T12:00:00Z";

    /** Values a field is replaced with, already as {@link CelValues} gives them. */
    static final List<Object> ALTERNATIVES = List.of(
            "", "x", "production", "staging", "eu", "eu-west-1", "us", "k-anonymity", "differential-privacy",
            "ml_lead", "sha256:abc",
            "2020-01-01T00:00:00Z", "2999-12-31T23:59:59.5Z", "0001-01-01T00:00:00Z", "2026-03-01T13:00:00+01:00",
            "2026-02-28T12:00:00.123456789Z", "2026-02-30T00:00:00Z", "2026-03-01t12:00:00z", "not a timestamp",
            "48h", "-1h", "1.5h", "8760h",
            0L, 1L, -1L, 5L, 64L, 100L, 10_000L, Long.MAX_VALUE, Long.MIN_VALUE,
            0.0, -0.0, 0.05, 0.5, 1.0, 2.5, -3.5, 1e300, -1e300, Double.NaN, Double.POSITIVE_INFINITY,
            true, false,
            List.of(), List.of("x"), List.of(1L, 2.5), List.of("ml_lead", "product_owner"),
            List.of(Map.of("role", "ml_lead", "approver", "alice")), List.of(List.of()),
            Map.of(), Map.of("k", "v"), Map.of("role", "ml_lead"),
            Instant.parse("2026-01-01T00:00:00Z"));

    record LibraryExpression(String policyId, String field, String expression, CelType type, Map<String, Object> params) {
    }

    record Request(String description, Map<String, Object> value) {
    }

    static final EngineComparison ENGINES = new EngineComparison();
    static List<LibraryExpression> expressions;
    static List<EngineComparison.Pair> compiled;

    @BeforeAll
    static void compileLibrary() {
        expressions = new ArrayList<>();
        for (PolicyDocument policy : StandardLibrary.loadAll()) {
            Map<String, Object> params = CelValues.fromJsonObject(policy.params());
            if (policy.match() != null) {
                expressions.add(new LibraryExpression(policy.id(), "match", policy.match(), SimpleType.BOOL, params));
            }
            for (int i = 0; i < policy.rules().size(); i++) {
                PolicyRule rule = policy.rules().get(i);
                expressions.add(new LibraryExpression(policy.id(), "rules[" + i + "].expression", rule.expression(),
                        SimpleType.BOOL, params));
                if (rule.messageExpression() != null) {
                    expressions.add(new LibraryExpression(policy.id(), "rules[" + i + "].messageExpression",
                            rule.messageExpression(), SimpleType.STRING, params));
                }
            }
        }
        compiled = expressions.stream().map(e -> ENGINES.compile(e.expression(), e.type())).toList();
    }

    @Test
    void everyLibraryExpressionIsClosureCompiled() {
        List<String> interpreted = new ArrayList<>();
        for (int i = 0; i < expressions.size(); i++) {
            if (compiled.get(i).fast() instanceof CelJavaExpression fallback) {
                LibraryExpression e = expressions.get(i);
                interpreted.add(e.policyId() + " " + e.field() + ": " + fallback.reason());
            }
        }
        System.out.printf("standard library: %d expressions, %d closure-compiled%n",
                expressions.size(), expressions.size() - interpreted.size());
        assertThat(interpreted).as("library expressions evaluated by cel-java instead of the closure compiler").isEmpty();
        assertThat(compiled).allSatisfy(pair -> assertThat(pair.reference().engine()).isEqualTo(CompiledExpression.Engine.CEL_JAVA));
    }

    @Test
    void bothEnginesAgreeOnEveryLibraryExpressionForEveryRequestOfTheCorpus() {
        List<Request> corpus = corpus();
        List<String> differences = new ArrayList<>();
        long pairs = 0;
        long errors = 0;
        for (int i = 0; i < expressions.size(); i++) {
            LibraryExpression e = expressions.get(i);
            EngineComparison.Pair pair = compiled.get(i);
            for (Request request : corpus) {
                pairs++;
                errors += compare(pair, e, request, e.params(), "", differences);
            }
            // The policy's own parameters mutated, against the example and the denied request.
            for (Request params : mutations("params", e.params())) {
                for (Request request : corpus.subList(0, 2)) {
                    pairs++;
                    errors += compare(pair, e, request, params.value(), " with " + params.description(), differences);
                }
            }
        }
        System.out.printf("standard library differential test: %d expressions x %d requests (+ parameter mutations)"
                        + " = %d evaluations compared, %d of them errors in both engines%n",
                expressions.size(), corpus.size(), pairs, errors);
        assertThat(differences).as("%d differences between the engines, first ones", differences.size())
                .isEmpty();
    }

    private static int compare(EngineComparison.Pair pair, LibraryExpression e, Request request,
                               Map<String, Object> params, String paramsDescription, List<String> differences) {
        String difference = EngineComparison.difference(pair, request.value(), params);
        if (difference != null) {
            if (differences.size() < 25) {
                differences.add(e.policyId() + " " + e.field() + ": " + e.expression()
                        + "\n    request: " + request.description() + paramsDescription + "\n    " + difference);
            } else if (differences.size() == 25) {
                differences.add("...");
            }
            return 0;
        }
        return EngineComparison.evaluate(pair.reference(), request.value(), params).isError() ? 1 : 0;
    }

    // ---------------------------------------------------------------- the corpus

    static List<Request> corpus() {
        List<Request> corpus = new ArrayList<>();
        Map<String, Object> example = CelValues.fromJsonObject(celShape(StandardLibrary.exampleRequest(), NOW, "eu"));
        corpus.add(new Request("the example request", example));
        corpus.add(new Request("the benchmark's denied request", deniedRequest()));

        // As DecisionService builds it: a current time (with nanoseconds), the default region.
        corpus.add(new Request("the example as the node shapes it",
                CelValues.fromJsonObject(celShape(StandardLibrary.exampleRequest(), Instant.now().toString(), "global"))));
        Map<String, Object> instantNow = deepCopy(example);
        instantNow.put("now", Instant.parse(NOW));
        corpus.add(new Request("now as a java.time.Instant", instantNow));

        corpus.addAll(fixtureCases(example));
        corpus.addAll(mutations("request", example));
        return corpus;
    }

    /** The request as CEL sees it (see DecisionService and the benchmark's celShape). */
    static Map<String, Object> celShape(Map<String, Object> wire, String now, String organizationRegion) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("model_id", wire.get("model_id"));
        request.put("organization_id", wire.get("organization_id"));
        request.put("organization_region", organizationRegion);
        request.put("team_id", wire.get("team_id"));
        request.put("now", now);
        request.put("model", wire.get("model_metadata"));
        request.put("deployment", wire.get("deployment_context"));
        request.put("requested_permissions", wire.get("requested_permissions"));
        return request;
    }

    /** The benchmark's denied request: bias, residency, transfers and the model card broken. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> deniedRequest() {
        Map<String, Object> denied = celShape(StandardLibrary.exampleRequest(), NOW, "eu");
        Map<String, Object> model = (Map<String, Object>) denied.get("model");
        Map<String, Object> fairness = (Map<String, Object>) model.get("fairness_metrics");
        Map<String, Object> deployment = (Map<String, Object>) denied.get("deployment");
        fairness.put("demographic_parity", 0.12);
        model.remove("model_card");
        deployment.put("region", "us-east-1");
        return CelValues.fromJsonObject(denied);
    }

    /** Every allowed and refused case of the library's fixtures (patches over the example request). */
    @SuppressWarnings("unchecked")
    static List<Request> fixtureCases(Map<String, Object> example) {
        List<Request> cases = new ArrayList<>();
        for (PolicyDocument policy : StandardLibrary.loadAll()) {
            String path = "dev/polity/policy/library/cases/" + policy.id() + ".yaml";
            try (InputStream in = StandardLibraryDifferentialTest.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    continue;
                }
                Map<String, Object> fixture = Json.yamlMapper().readValue(in, Map.class);
                for (String kind : List.of("allowed", "refused")) {
                    for (Map<String, Object> c : (List<Map<String, Object>>) fixture.getOrDefault(kind, List.of())) {
                        Map<String, Object> patch = (Map<String, Object>) c.getOrDefault("request", Map.of());
                        cases.add(new Request("fixture " + policy.id() + " / " + c.get("name"),
                                CelValues.fromJsonObject(LibraryFixtures.merge(deepCopy(example), patch))));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(path, e);
            }
        }
        return cases;
    }


    /**
     * Every field and list element of {@code root}, at every level, removed, and replaced by each of
     * {@link #ALTERNATIVES}.
     */
    static List<Request> mutations(String rootName, Map<String, Object> root) {
        List<Request> mutations = new ArrayList<>();
        walk(root, new ArrayList<>(), path -> {
            String where = rootName + pathText(path);
            Map<String, Object> removed = deepCopy(root);
            edit(removed, path, null);
            mutations.add(new Request(where + " removed", removed));
            for (Object alternative : ALTERNATIVES) {
                Map<String, Object> replaced = deepCopy(root);
                edit(replaced, path, deepCopy(alternative));
                mutations.add(new Request(where + " = " + describe(alternative), replaced));
            }
        });
        return mutations;
    }

    /** Calls {@code visitor} with the path of every map entry and list element under {@code node}. */
    private static void walk(Object node, List<Object> path, Consumer<List<Object>> visitor) {
        if (node instanceof Map<?, ?> map) {
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                List<Object> child = new ArrayList<>(path);
                child.add(entry.getKey());
                visitor.accept(child);
                walk(entry.getValue(), child, visitor);
            }
        } else if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                List<Object> child = new ArrayList<>(path);
                child.add(i);
                visitor.accept(child);
                walk(list.get(i), child, visitor);
            }
        }
    }

    /** Replaces (or, for a null replacement, removes) the entry or element at {@code path}. */
    @SuppressWarnings("unchecked")
    private static void edit(Map<String, Object> root, List<Object> path, Object replacement) {
        Object parent = root;
        for (Object step : path.subList(0, path.size() - 1)) {
            parent = step instanceof Integer index ? ((List<Object>) parent).get(index) : ((Map<String, Object>) parent).get(step);
        }
        Object last = path.getLast();
        if (last instanceof Integer index) {
            List<Object> list = (List<Object>) parent;
            if (replacement == null) {
                list.remove((int) index);
            } else {
                list.set(index, replacement);
            }
        } else if (replacement == null) {
            ((Map<String, Object>) parent).remove(last);
        } else {
            ((Map<String, Object>) parent).put((String) last, replacement);
        }
    }

    private static String pathText(List<Object> path) {
        StringBuilder text = new StringBuilder();
        for (Object step : path) {
            text.append(step instanceof Integer ? "[" + step + "]" : "." + step);
        }
        return text.toString();
    }

    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : value + " (" + value.getClass().getSimpleName() + ")";
    }

    /** A mutable copy: maps become LinkedHashMaps and lists ArrayLists, as CelValues makes them. */
    @SuppressWarnings("unchecked")
    static <T> T deepCopy(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> copy.put(k, deepCopy(v)));
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>(list.size());
            list.forEach(element -> copy.add(deepCopy(element)));
            return (T) copy;
        }
        return value;
    }
}
