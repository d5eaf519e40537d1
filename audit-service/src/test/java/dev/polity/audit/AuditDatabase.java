package dev.polity.audit;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * Plain JDBC connections to the PostgreSQL the service under test uses (its {@code quarkus.datasource.*} settings),
 * for tests that read or change rows behind the service's back.
 */
public final class AuditDatabase {

    private AuditDatabase() {
    }

    /** A connection to the service's own database. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl(), setting("quarkus.datasource.username"), setting("quarkus.datasource.password"));
    }

    /** A connection to another database of the same server, e.g. {@code postgres} while the service's refuses them. */
    public static Connection connectTo(String database) throws SQLException {
        String url = jdbcUrl();
        return DriverManager.getConnection(url.substring(0, url.lastIndexOf('/') + 1) + database,
                setting("quarkus.datasource.username"), setting("quarkus.datasource.password"));
    }

    private static String jdbcUrl() {
        return setting("quarkus.datasource.jdbc.url");
    }

    private static String setting(String key) {
        Config config = ConfigProvider.getConfig();
        return config.getValue(key, String.class);
    }
}
