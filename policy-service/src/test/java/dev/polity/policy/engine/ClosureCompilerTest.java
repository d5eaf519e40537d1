package dev.polity.policy.engine;

import dev.cel.common.types.SimpleType;
import dev.polity.contracts.policy.StandardLibrary;
import dev.polity.policy.engine.ClosureNodes.Node;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the closure compiler builds (the differential tests check what it computes): which engine
 * each expression gets, and that the specialised nodes are used where they apply.
 */
class ClosureCompilerTest {

    private final CelEnvironment environment = new CelEnvironment();

    @Test
    void theNodeEvaluatesEveryStandardLibraryExpressionWithTheClosureCompiler() {
        BundleCompiler compiler = new BundleCompiler(environment);
        List<CompiledExpression> expressions = StandardLibrary.loadAll().stream()
                .map(compiler::compile)
                .flatMap(policy -> Stream.concat(Stream.of(policy.match()),
                        policy.rules().stream().flatMap(rule -> Stream.of(rule.program(), rule.messageProgram()))))
                .filter(Objects::nonNull)
                .toList();
        assertThat(expressions).hasSize(151)
                .allSatisfy(e -> assertThat(e.engine()).as(e.expression()).isEqualTo(CompiledExpression.Engine.CLOSURE));
    }

    @Test
    void leavesUnsupportedExpressionsToCelJavaSayingWhy() {
        assertThat(reason("request.s.matches('a+')")).isEqualTo("function 'matches' is not supported");
        assertThat(reason("uint(request.i) > 1u")).isEqualTo("overloads [greater_uint64] of '_>_' are not supported");
        assertThat(reason("request.b == b'x'")).isEqualTo("BYTES_VALUE constants are not supported");
        assertThat(reason("request.s.trim()")).isEqualTo("function 'trim' is not supported");
    }

    @Test
    void forcedToCelJavaCompilesNothingItself() {
        CompiledExpression expression = new CelEnvironment(CelEnvironment.Mode.CEL_JAVA_ONLY)
                .compile("has(request.model)", SimpleType.BOOL);
        assertThat(expression.engine()).isEqualTo(CompiledExpression.Engine.CEL_JAVA);
    }

    @Test
    void mapAndFilterAppendToTheirAccumulatorInPlace() {
        assertThat(nodes("request.l.map(x, x * 2)")).hasAtLeastOneElementOfType(ClosureNodes.AppendToAccumulator.class);
        assertThat(nodes("request.l.filter(x, x > 1)")).hasAtLeastOneElementOfType(ClosureNodes.AppendToAccumulator.class);
        assertThat(nodes("request.l.map(x, x > 1, x)")).hasAtLeastOneElementOfType(ClosureNodes.AppendToAccumulator.class);
        assertThat(nodes("request.l + [1]")).doesNotHaveAnyElementsOfTypes(ClosureNodes.AppendToAccumulator.class);
    }

    @Test
    void looksUpAListOfStringConstantsAsASet() {
        assertThat(nodes("request.environment in ['staging', 'production']"))
                .hasAtLeastOneElementOfType(ClosureNodes.InStringConstants.class);
        assertThat(nodes("request.environment in ['staging', 1]"))
                .doesNotHaveAnyElementsOfTypes(ClosureNodes.InStringConstants.class);
    }

    @Test
    void evaluatesAgainstTheRequestAndParams() throws Exception {
        CompiledExpression expression = environment.compile(
                "request.model.accuracy >= params.min_accuracy && request.model.name.startsWith('churn')", SimpleType.BOOL);
        Map<String, Object> request = CelValues.fromJsonObject(Map.of("model", Map.of("accuracy", 1, "name", "churn-predictor")));
        assertThat(expression.evaluate(request, CelValues.fromJsonObject(Map.of("min_accuracy", 0.85)))).isEqualTo(true);
        assertThat(expression.evaluate(request, CelValues.fromJsonObject(Map.of("min_accuracy", 2)))).isEqualTo(false);
    }

    private String reason(String expression) {
        CompiledExpression compiled = environment.compile("dyn(" + expression + ")", SimpleType.DYN);
        assertThat(compiled).isInstanceOf(CelJavaExpression.class);
        return ((CelJavaExpression) compiled).reason();
    }

    /** Every node of the compiled expression's tree. */
    private List<Node> nodes(String expression) {
        CompiledExpression compiled = environment.compile("dyn(" + expression + ")", SimpleType.DYN);
        assertThat(compiled).isInstanceOf(ClosureExpression.class);
        List<Node> nodes = new ArrayList<>();
        collect(((ClosureExpression) compiled).root(), nodes);
        return nodes;
    }

    private static void collect(Object value, List<Node> nodes) {
        if (value instanceof Node node) {
            nodes.add(node);
            for (RecordComponent component : node.getClass().getRecordComponents()) {
                try {
                    collect(component.getAccessor().invoke(node), nodes);
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException(e);
                }
            }
        } else if (value instanceof List<?> list) {
            list.forEach(element -> collect(element, nodes));
        }
    }
}
