package dev.polity.devstack;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;

/** Where a PostgreSQL server listens and how to log in to it. */
public record PostgresEndpoint(String host, int port, String username, String password) {

    /** Database names devstack creates: plain identifiers, so they never need quoting in application config. */
    private static final Pattern DATABASE_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** SQLSTATE duplicate_database: another JVM created the same database between our check and our CREATE. */
    private static final String DUPLICATE_DATABASE = "42P04";
    private static final String MAINTENANCE_DATABASE = "postgres";

    public PostgresEndpoint {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(password, "password");
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("Not a TCP port: " + port);
        }
    }

    /** {@code jdbc:postgresql://host:port/database}, for JDBC and Flyway. */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host + ":" + port + "/" + database;
    }

    /** {@code postgresql://host:port/database}, for {@code quarkus.datasource.reactive.url}. */
    public String reactiveUrl(String database) {
        return "postgresql://" + host + ":" + port + "/" + database;
    }

    /**
     * Creates database {@code name} unless it exists. Safe to call from several JVMs at once.
     *
     * @param name lower-case letters, digits and underscores, starting with a letter or underscore
     */
    public void createDatabase(String name) {
        if (!DATABASE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("Database name '" + name
                    + "' must be lower-case letters, digits and underscores (at most 63), starting with a letter or underscore");
        }
        try (Connection connection = connect(MAINTENANCE_DATABASE)) {
            try (PreparedStatement exists = connection.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                exists.setString(1, name);
                try (ResultSet result = exists.executeQuery()) {
                    if (result.next()) {
                        return;
                    }
                }
            }
            try (Statement create = connection.createStatement()) {
                // CREATE DATABASE takes no bind parameters; the name was validated above.
                create.execute("CREATE DATABASE \"" + name + "\"");
            } catch (SQLException e) {
                if (!DUPLICATE_DATABASE.equals(e.getSQLState())) {
                    throw e;
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not create database " + name + " on " + host + ":" + port
                    + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens a JDBC connection to {@code database}. Uses the driver class directly instead of
     * {@code DriverManager}, which only sees drivers visible to the caller's class loader (not always the case
     * under Quarkus's test class loaders).
     */
    public Connection connect(String database) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", username);
        properties.setProperty("password", password);
        properties.setProperty("connectTimeout", "10");
        Connection connection = new org.postgresql.Driver().connect(jdbcUrl(database), properties);
        if (connection == null) {
            throw new SQLException("The PostgreSQL driver did not accept " + jdbcUrl(database));
        }
        return connection;
    }
}
