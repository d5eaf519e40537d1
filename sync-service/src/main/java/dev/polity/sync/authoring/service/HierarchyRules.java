package dev.polity.sync.authoring.service;

import dev.polity.contracts.policy.Enforcement;
import dev.polity.contracts.policy.PolicyDocument;
import dev.polity.contracts.policy.PolicyScope;
import dev.polity.contracts.policy.ScopeLevel;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The hierarchical conflict strategy: a lower scope may add policies and tighten parameters, but
 * never drop, disable or loosen a blocking policy of a higher scope.
 *
 * <p>A submitted policy loosens a higher-scope blocking policy when both have the same {@code type}
 * and share a parameter whose value is less strict in the submitted one. Which way is stricter is
 * read from the parameter's name:
 * <ul>
 *   <li>{@code max_*}, {@code *_max}, {@code *_limit}: a number, lower is stricter;</li>
 *   <li>{@code min_*}, {@code *_min}: a number, higher is stricter;</li>
 *   <li>{@code require_*}, {@code *_required}: a boolean, {@code true} is stricter;</li>
 *   <li>{@code accepted_*}, {@code allowed_*}: a list, a subset is stricter;</li>
 *   <li>{@code required_*}: a list, a superset is stricter.</li>
 * </ul>
 * Other parameters carry no direction and are not compared.
 *
 * <p>A new version of a blocking policy that moves it to a lower scope level drops it for
 * everyone the old scope reached and is rejected the same way.
 */
public final class HierarchyRules {

    private HierarchyRules() {
    }

    /** A violation: the message names both policies and the parameter. */
    public record Violation(String field, String message) {
    }

    /**
     * @param submitted the new version
     * @param previous  the policy's latest version, or null
     * @param above     the latest versions of the policies whose scopes are above the submitted one
     */
    public static List<Violation> check(PolicyDocument submitted, PolicyDocument previous, Collection<PolicyDocument> above) {
        List<Violation> violations = new ArrayList<>();
        if (previous != null && previous.enforcement() == Enforcement.BLOCKING
                && rank(submitted.scope().level()) > rank(previous.scope().level())) {
            violations.add(new Violation("scope", "policy '" + submitted.id() + "' would move blocking "
                    + describe(previous) + " policy '" + previous.id() + "' (version " + previous.version()
                    + ") down to " + describe(submitted) + " scope, dropping it for every organization its "
                    + previous.scope().level().wireName() + " scope reaches; a lower scope may not remove a blocking "
                    + "policy of a higher scope"));
        }
        for (PolicyDocument higher : above) {
            if (higher.id().equals(submitted.id()) || higher.enforcement() != Enforcement.BLOCKING
                    || higher.type() != submitted.type()
                    || rank(higher.scope().level()) >= rank(submitted.scope().level())) {
                continue;
            }
            for (Map.Entry<String, Object> param : submitted.params().entrySet()) {
                String name = param.getKey();
                if (!higher.params().containsKey(name)) {
                    continue;
                }
                Object mine = param.getValue();
                Object theirs = higher.params().get(name);
                String looser = looser(name, mine, theirs);
                if (looser != null) {
                    violations.add(new Violation("params." + name, describe(submitted) + " policy '" + submitted.id()
                            + "' would loosen blocking " + describe(higher) + " policy '" + higher.id()
                            + "': parameter '" + name + "' is " + render(mine) + " where '" + higher.id() + "' requires "
                            + (looser.isEmpty() ? "" : looser + " ") + render(theirs) + "; a lower scope may only tighten it"));
                }
            }
        }
        return violations;
    }

    /** Null when {@code mine} is as strict as {@code theirs} (or the parameter has no direction), else the required relation. */
    static String looser(String name, Object mine, Object theirs) {
        if (name.startsWith("max_") || name.endsWith("_max") || name.endsWith("_limit")) {
            BigDecimal a = number(mine);
            BigDecimal b = number(theirs);
            return a != null && b != null && a.compareTo(b) > 0 ? "at most" : null;
        }
        if (name.startsWith("min_") || name.endsWith("_min")) {
            BigDecimal a = number(mine);
            BigDecimal b = number(theirs);
            return a != null && b != null && a.compareTo(b) < 0 ? "at least" : null;
        }
        if (name.startsWith("require_") || name.endsWith("_required")) {
            return Boolean.TRUE.equals(theirs) && !Boolean.TRUE.equals(mine) ? "" : null;
        }
        if ((name.startsWith("accepted_") || name.startsWith("allowed_")) && mine instanceof List<?> a && theirs instanceof List<?> b) {
            return b.containsAll(a) ? null : "a subset of";
        }
        if (name.startsWith("required_") && mine instanceof List<?> a && theirs instanceof List<?> b) {
            return a.containsAll(b) ? null : "a superset of";
        }
        return null;
    }

    private static BigDecimal number(Object value) {
        if (value instanceof Number number) {
            return new BigDecimal(number.toString());
        }
        return null;
    }

    private static String render(Object value) {
        return Objects.toString(value);
    }

    private static String describe(PolicyDocument policy) {
        PolicyScope scope = policy.scope();
        return switch (scope.level()) {
            case GLOBAL -> "global";
            case REGIONAL -> "regional (" + scope.region() + ")";
            case ORGANIZATION -> "organization (" + scope.organization() + ")";
            case TEAM -> "team (" + scope.organization() + "/" + scope.team() + ")";
        };
    }

    /** 0 = global, the highest; 3 = team, the lowest. */
    static int rank(ScopeLevel level) {
        return switch (level) {
            case GLOBAL -> 0;
            case REGIONAL -> 1;
            case ORGANIZATION -> 2;
            case TEAM -> 3;
        };
    }
}
