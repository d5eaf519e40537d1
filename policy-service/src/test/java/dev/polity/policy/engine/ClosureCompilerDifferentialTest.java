package dev.polity.policy.engine;

import dev.cel.common.types.SimpleType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Differential test of the closure compiler against cel-java's interpreter over hand-written
 * expressions, one or more per edge case of every supported operator and function: error
 * propagation and absorption, overflow, heterogeneous comparison and equality, {@code string()}
 * of doubles, timestamps and durations, comprehensions over lists and maps, nested and with
 * errors, the iteration budget. Each expression is wrapped in {@code dyn()} so that it
 * type-checks whatever its type ({@code dyn()} is the identity in both engines).
 */
class ClosureCompilerDifferentialTest {

    /** Every one must be closure-compiled and give what cel-java gives. */
    static final List<String> EXPRESSIONS = List.of(
            // logic: errors absorbed by && and || from either side, non-bools not absorbed
            "request.zz && false", "false && request.zz", "request.zz || true", "true || request.zz",
            "request.zz && true", "true && request.zz", "request.zz || false", "request.zz && request.yy",
            "dyn(1) && false", "false && dyn(1)", "dyn(1) || true", "true || dyn(1)", "request.zz && dyn(1)",
            "(dyn(1) && false) || true", "(request.zz || request.yy) && false",
            "!request.b", "!request.zz", "!dyn(request.i)", "!!request.f",
            "request.b ? request.zz : 1", "request.f ? request.zz : 1", "dyn(request.i) ? 1 : 2", "request.zz ? 1 : 2",
            "request.b ? 'yes' : request.i",
            // equality: heterogeneous numbers, lists, maps, NaN, -0.0, null, different types
            "request.i == 5.0", "request.d == request.i", "request.dint == 2", "request.s == 1", "request.b == 'true'",
            "request.l == [1, 2.0, 'x']", "request.l == [1.0, 2, 'x']", "request.l == [1, 2.0]",
            "request.m == {'a': 1.0, 'b': 'two'}", "request.m == {'b': 'two', 'a': 1}", "request.m == {'a': 1}",
            "request.nan == request.nan", "request.nan == 0.0 / 0.0", "[request.nan] == [request.nan]",
            "request.nan != request.nan", "request.negzero == 0.0", "request.negzero == 0", "request.negzero != 0.0",
            "null == request.zz", "request.m.a == null", "dyn(null) == null", "dyn(null) == 0", "[null] == [null]",
            "request.inst == timestamp(request.now)", "request.big == 9223372036854775807.0",
            "request.nested == {'m': {'x': 1}}", "request.maps[0] == {'role': 'ml_lead', 'approver': 'bob'}",
            "dyn(-1) < dyn(1)", "request.neg < request.i",
            // ordering: int/double in both directions, NaN, extremes, strings, bools, timestamps, durations
            "request.i < request.d", "request.d <= request.i", "request.i > 1.5", "request.i >= 5.0",
            "request.nan < 1", "1 < request.nan", "1.0 < request.nan", "request.nan >= request.nan", "1 >= request.nan",
            "request.big > 9.223372036854775807e18", "request.big < 9.3e18", "request.small < -9.3e18",
            "request.small <= -9.223372036854775808e18", "request.inf > request.big", "request.negzero < 0",
            "request.s < 'z'", "request.s > request.empty", "request.b > false", "request.f >= request.b",
            "request.s < 1", "request.l < request.l", "request.m < request.m", "request.zz < 1",
            "timestamp(request.now) > timestamp('2026-01-01T00:00:00Z')", "duration('1h') <= duration('60m')",
            "timestamp(request.now) < request.inst", "duration('1h') > duration('-1h')",
            // arithmetic: homogeneous only, overflow, division by zero
            "request.i + 1", "request.i + 1.0", "request.d + 1.5", "request.s + 'x'", "request.l + [1]",
            "[] + request.strs", "request.big + 1", "request.small - 1", "request.big * 2", "-request.small",
            "-request.i", "-request.d", "-request.negzero", "-request.s", "request.i / 0", "request.i % 0",
            "request.small / -1", "request.small % -1", "request.d / 0.0", "request.zero / request.zero + 1",
            "request.i * request.d", "request.i - 3", "7 % -3", "-7 / 2", "-7 % 2", "request.d * 2.0 - 0.1",
            "request.m + request.m", "request.b + request.b",
            // size
            "size(request.s)", "size(request.emoji)", "request.emoji.size()", "size(request.l)", "size(request.m)",
            "size(request.i)", "size(request.empty)", "request.l.size() == 3",
            // string(): doubles as cel-java prints them, and every other type
            "string(0.1)", "string(1e20)", "string(-0.0)", "string(100.0)", "string(request.nan)", "string(request.inf)",
            "string(1.5e-7)", "string(123456789.0)", "string(0.000001)", "string(1e7)", "string(1e-3)",
            "string(request.d)", "string(request.dint)", "string(request.negzero)", "string(request.i)",
            "string(request.small)", "string(request.b)", "string(request.s)", "string(request.l)", "string(request.m)",
            "string(timestamp(request.now))", "string(timestamp('2026-03-01T12:00:00.1Z'))",
            "string(timestamp('2026-03-01T12:00:00.000000001Z'))", "string(duration('1.5h'))", "string(duration('-1ms'))",
            "string(duration('1ns'))", "string(request.inst)", "string(dyn(null))",
            "string(timestamp(request.now) - timestamp('2026-02-01T00:00:00Z'))",
            // string functions
            "request.s.startsWith('hé')", "request.s.endsWith('lo')", "request.s.contains('ll')", "request.s.contains('')",
            "request.i.startsWith('x')", "request.s.startsWith(request.i)", "request.region.startsWith(request.prefix + '-')",
            "request.mixed.lowerAscii()", "request.mixed.upperAscii()", "request.i.lowerAscii()",
            "request.strs.join(', ')", "request.strs.join()", "request.l.join('-')", "request.m.join(',')",
            "[].join(',')", "request.nums.join(request.i)", "request.maps.join(';')",
            // conversions
            "int('12')", "int('+12')", "int(' 1')", "int('1.0')", "int(2.7)", "int(-2.7)", "int(1e19)", "int(request.nan)",
            "int(9223372036854775807.0)", "int(-9223372036854775808.0)", "int(timestamp(request.now))", "int(request.s)",
            "int(request.i)", "double('1e3')", "double(' 1 ')", "double('1d')", "double('x')", "double('NaN')",
            "double(request.i)", "double(request.big)", "double(request.d)", "double(request.b)",
            // timestamps and durations
            "timestamp('2026-03-01T12:00:00.123Z')", "timestamp('2026-03-01T12:00:00.123456789Z')",
            "timestamp('2026-03-01T13:00:00+01:00')", "timestamp('2026-03-01t12:00:00z')", "timestamp('2026-03-01T12:00Z')",
            "timestamp('2026-02-30T00:00:00Z')", "timestamp('2024-02-29T00:00:00Z')", "timestamp('2023-02-29T00:00:00Z')",
            "timestamp('0000-12-31T23:59:59Z')", "timestamp('0001-01-01T00:00:00Z')", "timestamp('9999-12-31T23:59:59.999999999Z')",
            "timestamp('2026-03-01T24:00:00Z')", "timestamp('2026-03-01T23:59:60Z')", "timestamp('2026-03-01T12:00:00.Z')",
            "timestamp('2026-03-01T12:00:00.1234567890Z')", "timestamp('2026-3-01T12:00:00Z')", "timestamp(' 2026-03-01T12:00:00Z')",
            "timestamp(request.now) - timestamp('2026-02-01T00:00:00Z')", "timestamp(request.now) + duration('1h')",
            "duration('1h') + timestamp(request.now)", "timestamp('9999-12-31T23:59:59Z') + duration('1s')",
            "timestamp('0001-01-01T00:00:00Z') - duration('1s')", "timestamp(request.i)", "timestamp(253402300800)",
            "timestamp(-62135596801)", "timestamp(request.inst)", "timestamp(request.d)",
            "duration('-1.5h')", "duration('1h30m')", "duration('1d')", "duration('')", "duration('0')", "duration(request.i)",
            "duration('315576000001s')", "duration('1h') - duration('2h')", "duration('1h') + duration('1us')",
            "timestamp(request.now) - duration('48h') < timestamp(request.now)",
            "timestamp(request.now) - timestamp('2026-02-25T08:00:00Z') >= duration('48h')",
            "timestamp('1000-01-01T00:00:00Z') - timestamp('9999-01-01T00:00:00Z')",
            // in
            "'a' in request.strs", "1 in request.l", "1.0 in request.nums", "request.d in request.l", "2 in request.l",
            "'a' in request.m", "1 in request.m", "request.zz in request.strs", "request.i in request.s",
            "request.nan in [request.nan]", "'x' in ['x', 'y']", "request.i in ['x']", "request.s in []",
            "request.l in [request.l]", "dyn([1]) in [dyn([1.0])]", "dyn(1) in [dyn(1.0)]", "dyn(1.0) in {1: 'one'}",
            "request.nested in [request.nested]",
            // index
            "request.l[0]", "request.l[3]", "request.l[-1]", "request.l[request.dint]", "request.l[1.0]", "request.l[request.d]",
            "request.nums[request.i - 4]", "request.m['a']", "request.m['zz']", "request.m[1]", "dyn({1: 'one'})[1.0]",
            "dyn({1: 'one'})[request.d]", "request.s[0]", "[1, 2, 3][1]", "{'k': 'v'}['k']", "request.maps[1].role",
            // has() and field selection
            "has(request.m.a)", "has(request.m.zz)", "has(request.s.zz)", "has(request.zz.a)", "has(request.nested.m.x)",
            "has(request.l.x)", "request.m.a", "request.m.zz", "request.s.x", "request.l.x", "request.nested.m.x",
            // list and map literals
            "{'a': 1, 'a': 2}", "{'a': request.zz}", "[1, request.zz]", "{request.s: 1}[request.s]", "[request.i, request.d]",
            "{dyn(1): 'a', dyn(1.0): 'b'}", "{}", "[]", "{'a': [1, {'b': request.m}]}",
            // comprehensions: every macro, over lists and maps, nested, shadowing, with errors
            "request.nums.all(x, x > 0)", "request.l.all(x, x > 0)", "request.l.exists(x, x == 'x')",
            "['a', 1].exists(x, x > 0)", "[1, 'a'].exists(x, x > 0)", "[0, 'a'].all(x, x > 0)", "['a', 0].all(x, x > 0)",
            "request.m.all(k, k.size() == 1)", "request.m.map(k, k)", "request.m.exists_one(k, k == 'a')",
            "request.m.filter(k, request.m[k] == 1)", "request.nums.filter(x, x % 2 == 1)", "request.nums.map(x, x * 2)",
            "request.nums.map(x, x > 1, x * 10)", "request.nums.exists_one(x, x > 2)", "request.nums.exists_one(x, x > 1)",
            "request.nums.all(x, request.nums.exists(y, y == x))", "request.nums.map(x, request.nums.map(y, x * y))",
            "request.nums.all(request, request > 0)", "[1].all(params, params > 0)",
            "request.maps.all(a, has(a.approver))", "request.maps.exists(a, a.role == 'ml_lead' && a.approver != 'bob')",
            "request.maps.filter(a, a.role != 'ml_lead').map(a, a.approver)",
            "request.s.all(c, true)", "request.zz.all(x, true)", "request.i.exists(x, true)",
            "request.nums.all(x, 10 / (x - 1) > 0)", "request.nums.all(x, 10 / (x - 1) > 100)",
            "request.nums.exists(x, 10 / (x - 1) > 0)", "request.nums.exists(x, 10 / (x - 1) > 100)",
            "request.nums.exists_one(x, 10 / (x - 1) > 0)", "request.nums.filter(x, 10 / (x - 1) > 0)",
            "request.nums.map(x, 10 / (x - 1))", "request.nums.all(x, dyn(x))", "request.nums.exists(x, dyn(x))",
            "[].all(x, x)", "[].exists(x, x)", "{}.map(k, k)",
            "request.many.all(x, true)", "request.many.exists(x, x == 0)", "request.many.exists(x, x == 10500)",
            "request.hundred.all(x, request.hundred.all(y, true))", "request.hundred.all(x, request.ninety.all(y, true))",
            "request.hundred.map(x, request.hundred.all(y, true))",
            "request.hundred.exists(x, request.hundred.all(y, y < 200) && x == 99)",
            "request.hundred.all(x, request.hundred.exists(y, y == x))",
            "size(request.thousands.map(x, x * 2))", "request.thousands.filter(x, x % 1000 == 0)",
            "request.thousands.map(x, x % 3 == 0, x).size()", "request.many.map(x, x)",
            "request.nums.map(x, request.nums.filter(y, y > x))", "request.nums.map(x, request.nums.map(y, [x, y]))",
            "request.nums.filter(x, request.nums.map(y, y * x).exists(z, z == 4))",
            "request.nums.map(x, x == 2 ? request.zz : x)", "request.nums.filter(x, x == 2 ? request.zz : true)",
            "request.nums.map(x, x > 1, x == 3 ? request.zz : x)", "request.m.map(k, request.m[k])",
            // abs
            "abs(request.i)", "abs(request.neg)", "abs(request.d)", "abs(request.small)", "abs(request.s)",
            "abs(request.negzero)", "abs(-5)", "abs(-2.5)");

    /** Expressions the closure compiler leaves to cel-java; both must still agree (trivially: same engine). */
    static final List<String> INTERPRETED = List.of(
            "request.s.matches('h.*')", "uint(request.i) == 5u", "b'abc' == bytes(request.s)",
            "math.greatest(1, 2)", "request.s.trim()", "type(request.i) == int", "timestamp(request.now).getFullYear()",
            "bool('true')", "request.strs.exists(s, s.split('b').size() > 1)");

    static Map<String, Object> request() {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("i", 5L);
        request.put("neg", -3L);
        request.put("zero", 0L);
        request.put("big", Long.MAX_VALUE);
        request.put("small", Long.MIN_VALUE);
        request.put("d", 2.5);
        request.put("dint", 2.0);
        request.put("nan", Double.NaN);
        request.put("inf", Double.POSITIVE_INFINITY);
        request.put("negzero", -0.0);
        request.put("s", "héllo");
        request.put("emoji", "a\uD83D\uDE00");
        request.put("mixed", "ÀbC-dÉ");
        request.put("empty", "");
        request.put("region", "eu-west-1");
        request.put("prefix", "eu");
        request.put("b", true);
        request.put("f", false);
        request.put("l", new ArrayList<>(List.of(1L, 2.0, "x")));
        request.put("strs", new ArrayList<>(List.of("a", "b")));
        request.put("nums", new ArrayList<>(List.of(1L, 2L, 3L)));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("a", 1L);
        m.put("b", "two");
        request.put("m", m);
        request.put("nested", new LinkedHashMap<>(Map.of("m", new LinkedHashMap<>(Map.of("x", 1L)))));
        request.put("maps", new ArrayList<>(List.of(
                new LinkedHashMap<>(Map.of("role", "ml_lead", "approver", "bob")),
                new LinkedHashMap<>(Map.of("role", "product_owner")))));
        request.put("now", "2026-03-01T12:00:00Z");
        request.put("inst", Instant.parse("2026-03-01T12:00:00Z"));
        request.put("many", new ArrayList<>(LongStream.range(0, 12_000).boxed().toList()));
        request.put("hundred", new ArrayList<>(LongStream.range(0, 100).boxed().toList()));
        request.put("ninety", new ArrayList<>(LongStream.range(0, 90).boxed().toList()));
        request.put("thousands", new ArrayList<>(LongStream.range(0, 9_500).boxed().toList()));
        return request;
    }

    static Map<String, Object> params() {
        return CelValues.fromJsonObject(Map.of("dur", "48h", "threshold", 0.1, "list", List.of("a", "b")));
    }

    @Test
    void bothEnginesAgreeOnEveryEdgeCase() {
        EngineComparison engines = new EngineComparison();
        List<String> problems = new ArrayList<>();
        for (String expression : EXPRESSIONS) {
            EngineComparison.Pair pair;
            try {
                pair = engines.compile("dyn(" + expression + ")", SimpleType.DYN);
            } catch (CelCompilationException e) {
                problems.add(expression + ": does not compile: " + e.getMessage());
                continue;
            }
            if (pair.fast() instanceof CelJavaExpression fallback) {
                problems.add(expression + ": not closure-compiled: " + fallback.reason());
                continue;
            }
            String difference = EngineComparison.difference(pair, request(), params());
            if (difference != null) {
                problems.add(expression + "\n    " + difference);
            }
        }
        System.out.printf("closure compiler edge cases: %d expressions compared%n", EXPRESSIONS.size());
        assertThat(problems).isEmpty();
    }

    @Test
    void leavesWhatItDoesNotCompileToCelJava() {
        EngineComparison engines = new EngineComparison();
        for (String expression : INTERPRETED) {
            EngineComparison.Pair pair = engines.compile("dyn(" + expression + ")", SimpleType.DYN);
            assertThat(pair.fast().engine()).as(expression).isEqualTo(CompiledExpression.Engine.CEL_JAVA);
            assertThat(EngineComparison.difference(pair, request(), params())).as(expression).isNull();
        }
    }

    @Test
    void reportsErrorsInCelJavasWords() throws Exception {
        CompiledExpression missing = new CelEnvironment().compile("request.m.zz == 1", SimpleType.BOOL);
        assertThat(missing.engine()).isEqualTo(CompiledExpression.Engine.CLOSURE);
        try {
            missing.evaluate(request(), params());
        } catch (ExpressionEvaluationException e) {
            assertThat(e.getMessage()).isEqualTo("evaluation error at <input>:9: key 'zz' is not present in map.");
            return;
        }
        throw new AssertionError("no error");
    }
}
