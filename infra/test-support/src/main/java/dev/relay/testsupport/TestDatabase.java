package dev.relay.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

import dev.relay.postgres.LocalPostgres;

/**
 * A freshly created PostgreSQL database per JVM, on the server named by {@code RELAY_DB_HOST}/{@code RELAY_DB_PORT}/
 * {@code RELAY_DB_USER} (default 127.0.0.1:5432, user postgres), dropped when the JVM exits. When none is named and
 * nothing answers on 127.0.0.1:5432, the JVM starts its own server ({@link LocalPostgres}) in a throw-away directory.
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
            boolean named = System.getenv("RELAY_DB_HOST") != null || System.getenv("RELAY_DB_PORT") != null;
            if (named || LocalPostgres.answers("127.0.0.1", 5432)) {
                shared = create(env("RELAY_DB_HOST", "127.0.0.1"), Integer.parseInt(env("RELAY_DB_PORT", "5432")));
                Runtime.getRuntime().addShutdownHook(new Thread(shared::drop));
            } else {
                shared = createOnOwnServer();
            }
        }
        return shared;
    }

    /** A server of this JVM's own, gone with the JVM (its directory too), so there is nothing to drop. */
    private static TestDatabase createOnOwnServer() {
        try {
            Path directory = Files.createTempDirectory("relay-test-postgres");
            LocalPostgres server = LocalPostgres.start(directory.resolve("data"), FreePorts.next(), false);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (server; Stream<Path> files = Files.walk(directory)) {
                    files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
                } catch (IOException e) {
                    System.err.println("stopping the test PostgreSQL failed: " + e);
                }
            }));
            System.out.printf("[relay] no PostgreSQL on 127.0.0.1:5432: started PostgreSQL 17 on port %d for this JVM%n", server.port());
            return create("127.0.0.1", server.port());
        } catch (IOException e) {
            throw new IllegalStateException("no PostgreSQL on 127.0.0.1:5432 and an embedded one did not start", e);
        }
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

    private static TestDatabase create(String host, int port) {
        TestDatabase db = new TestDatabase(host, port, env("RELAY_DB_USER", "postgres"), env("RELAY_DB_PASSWORD", ""),
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
