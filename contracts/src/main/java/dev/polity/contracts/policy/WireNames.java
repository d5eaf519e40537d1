package dev.polity.contracts.policy;

import java.util.Arrays;
import java.util.stream.Collectors;

/** Lower-case wire names for enums, with an error that lists the allowed values. */
final class WireNames {

    private WireNames() {
    }

    static <E extends Enum<E>> E parse(Class<E> type, E[] values, String text) {
        if (text != null) {
            for (E value : values) {
                if (value.name().equalsIgnoreCase(text.replace('-', '_'))) {
                    return value;
                }
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not one of: "
                + Arrays.stream(values).map(v -> v.name().toLowerCase()).collect(Collectors.joining(", ")));
    }
}
