package dev.polity.policy.engine;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts values read from JSON or YAML into the Java types the CEL runtime expects: CEL
 * integers are {@code Long} and doubles are {@code Double}, never {@code Integer}, {@code Float}
 * or {@code BigDecimal}. JSON nulls are dropped, so {@code has(x.field)} is false for them, which
 * is what a policy author means by "not given".
 */
public final class CelValues {

    private CelValues() {
    }

    public static Map<String, Object> fromJsonObject(Map<String, ?> object) {
        Map<String, Object> converted = new LinkedHashMap<>();
        if (object != null) {
            object.forEach((key, value) -> {
                Object celValue = fromJson(value);
                if (celValue != null) {
                    converted.put(key, celValue);
                }
            });
        }
        return converted;
    }

    @SuppressWarnings("unchecked")
    public static Object fromJson(Object value) {
        return switch (value) {
            case null -> null;
            case Integer i -> i.longValue();
            case Short s -> s.longValue();
            case Byte b -> b.longValue();
            case Float f -> f.doubleValue();
            case BigDecimal d -> d.doubleValue();
            case BigInteger i -> i.bitLength() < 64 ? (Object) i.longValue() : (Object) i.doubleValue();
            case Map<?, ?> map -> fromJsonObject((Map<String, ?>) map);
            case Collection<?> list -> {
                List<Object> converted = new ArrayList<>(list.size());
                for (Object element : list) {
                    Object celValue = fromJson(element);
                    if (celValue != null) {
                        converted.add(celValue);
                    }
                }
                yield converted;
            }
            default -> value; // Long, Double, String, Boolean
        };
    }
}
