package dev.relay.testsupport;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.UUID;

/**
 * A freshly created PostgreSQL database per JVM, on the server named by {@code RELAY_DB_HOST}/{@code RELAY_DB_PORT}/
 * {@code RELAY_DB_USER} (default 127.0.0.1:5432, user postgres), dropped when the JVM exits.
 */
public final class TestDatabase {

    private static TestDatabase shared;

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String name;

    private TestDatabase(String host, int port, String user, String password, String name) {
        this.host = host;
        this.port = port;
        this.user = user;
        this.password = password;
        this.name = name;
    }

    public static synchronized TestDatabase shared() {
        if (shared == null) {
            shared = create();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::drop));
        }
        return shared;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + name;
    }

    public String reactiveUrl() {
        return "postgresql://" + host + ":" + port + "/" + name;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    private static TestDatabase create() {
        TestDatabase db = new TestDatabase(env("RELAY_DB_HOST", "127.0.0.1"), Integer.parseInt(env("RELAY_DB_PORT", "5432")),
                env("RELAY_DB_USER", "postgres"), env("RELAY_DB_PASSWORD", ""),
                "relay_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12));
        db.admin("CREATE DATABASE " + db.name);
        return db;
    }

    private void drop() {
        admin("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    }

    private void admin(String sql) {
        try (Connection connection = DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password)) {
            connection.createStatement().execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " refused '" + sql + "' (is it running? "
                    + "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)", e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
