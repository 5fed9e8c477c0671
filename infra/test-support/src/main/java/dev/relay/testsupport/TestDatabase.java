package dev.relay.testsupport;

import java.io.IOException;
import java.sql.SQLException;
import java.util.UUID;

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
            LocalPostgres server = LocalPostgres.startThrowAway(FreePorts.next());
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    server.close();
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
        try {
            LocalPostgres.createDatabase(host, port, db.user, db.password, db.name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL at " + host + ":" + port + " did not create database " + db.name
                    + " (name no RELAY_DB_HOST/RELAY_DB_PORT and stop the server there to test on one of the JVM's own)", e);
        }
        return db;
    }

    private void drop() {
        try {
            LocalPostgres.dropDatabase(host, port, user, password, name);
        } catch (SQLException e) {
            System.err.println("dropping test database " + name + " failed: " + e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
