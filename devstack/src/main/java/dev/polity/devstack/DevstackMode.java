package dev.polity.devstack;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How {@link Devstack} gets its Kafka and PostgreSQL. */
public enum DevstackMode {

    /** Starts a Kafka broker and a PostgreSQL server as local processes: no Docker, nothing to install but PostgreSQL. */
    PROCESS,
    /** Uses a Kafka and a PostgreSQL that run elsewhere, named by the {@code POLITY_KAFKA_*} and {@code POLITY_POSTGRES_*} variables. */
    EXTERNAL,
    /** Starts Kafka and PostgreSQL containers with Testcontainers: needs a Docker engine. */
    CONTAINERS;

    /** The environment variable that selects the mode; unset or blank means {@link #PROCESS}. */
    public static final String ENVIRONMENT_VARIABLE = "POLITY_DEVSTACK_MODE";

    /** The mode named by {@value #ENVIRONMENT_VARIABLE}. */
    public static DevstackMode fromEnvironment() {
        return parse(System.getenv(ENVIRONMENT_VARIABLE));
    }

    /**
     * Parses a mode name, ignoring case; {@code null} or blank means {@link #PROCESS}.
     *
     * @throws IllegalArgumentException naming the allowed values when {@code value} is none of them
     */
    public static DevstackMode parse(String value) {
        if (value == null || value.isBlank()) {
            return PROCESS;
        }
        String normalised = value.strip().toUpperCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(mode -> mode.name().equals(normalised))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(ENVIRONMENT_VARIABLE + "='" + value
                        + "' is not a devstack mode; allowed values (case-insensitive): "
                        + Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", "))));
    }
}
