package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A service's packaged jar ({@code <module>/target/quarkus-app/quarkus-run.jar}) running as a child process,
 * pointed at the shared broker, database and token key, and ready once {@code /q/health/ready} answers 200.
 */
public final class PackagedService implements AutoCloseable {

    private final String module;
    private final Process process;
    private final int port;
    private final Path log;
    private final Duration startedIn;
    private final Map<String, String> env;

    private PackagedService(String module, Process process, int port, Path log, Duration startedIn, Map<String, String> env) {
        this.module = module;
        this.process = process;
        this.port = port;
        this.log = log;
        this.startedIn = startedIn;
        this.env = env;
    }

    /** The secret the packaged services of one test JVM sign and check stream links with. */
    private static final String STREAM_LINK_SECRET = java.util.UUID.randomUUID().toString();

    /** Starts {@code module} with the shared infrastructure plus {@code extraEnv}. */
    public static PackagedService start(String module, Map<String, String> extraEnv) {
        return start(module, extraEnv, FreePorts.next());
    }

    /** Kills the process at once (SIGKILL: no shutdown hook, no flush), as a crashed node or an OOM kill would. */
    public void kill() {
        FreePorts.killNow(process);
    }

    /** Starts the module again on the same port with the same environment; answers once it is ready. */
    public PackagedService restart() {
        return start(module, env, port);
    }

    private static PackagedService start(String module, Map<String, String> extraEnv, int port) {
        Path jar = RelayPaths.root().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: package " + module + " first");
        }
        List<String> command = new java.util.ArrayList<>(List.of(javaBin(), "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(testJvmOptions());
        command.addAll(List.of("-jar", jar.toString()));
        return launch(module, command,
                Map.of("RELAY_JWT_PUBLIC_KEY", TestTokens.publicKeyFile().toUri().toString()), extraEnv, port);
    }

    /**
     * The JVM options a suite adds to every service it starts from its jar ({@code relay.packaged.jvm-options},
     * space-separated; none by default, so a benchmark measures the service as it ships).
     */
    private static List<String> testJvmOptions() {
        String options = System.getProperty("relay.packaged.jvm-options", "").strip();
        return options.isEmpty() ? List.of() : List.of(options.split("\\s+"));
    }

    /**
     * Starts {@code module} from its container image unpacked at {@code imageRoot}, as a container runtime would:
     * its own root file system (chroot), process and mount namespaces with /proc, user 10001, the image's
     * {@code entrypoint} (its java, then {@code jvmOptions} and the suite's, then the rest); the shared infrastructure
     * is reached over this machine's loopback. Needs root.
     */
    public static PackagedService startImage(String module, Path imageRoot, List<String> entrypoint, List<String> jvmOptions) {
        try {
            Files.createDirectories(imageRoot.resolve("proc"));
            asContainerRuntimeWould(imageRoot);
            Path key = imageRoot.resolve("tmp/jwt-public.pem");
            Files.copy(TestTokens.publicKeyFile(), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new java.util.ArrayList<>(List.of("unshare", "--mount", "--pid", "--fork", "--kill-child=SIGTERM",
                "--mount-proc=" + imageRoot.resolve("proc"), "chroot", "--userspec=10001:10001", imageRoot.toString(),
                entrypoint.get(0), "-Xmx256m", "-XX:+UseSerialGC"));
        command.addAll(jvmOptions);
        command.addAll(testJvmOptions());
        command.addAll(entrypoint.subList(1, entrypoint.size()));
        return launch(module, command, Map.of("RELAY_JWT_PUBLIC_KEY", "file:/tmp/jwt-public.pem"), Map.of(), FreePorts.next());
    }

    /** What a container runtime adds to an image's root when it starts it: infra/images/container-root.sh. */
    private static void asContainerRuntimeWould(Path imageRoot) throws IOException {
        try {
            Commands.run(new ProcessBuilder("bash", RelayPaths.root().resolve("infra/images/container-root.sh").toString(),
                    imageRoot.toString()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while preparing " + imageRoot, e);
        }
    }

    private static PackagedService launch(String module, List<String> command, Map<String, String> keyEnv,
            Map<String, String> extraEnv, int port) {
        try {
            Path log = Files.createTempFile("relay-" + module + "-", ".log");
            TestDatabase db = TestDatabase.shared();
            Map<String, String> env = new HashMap<>();
            env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            env.put("KAFKA_BOOTSTRAP_SERVERS", KafkaBroker.shared().bootstrapServers());
            env.put("RELAY_DB_REACTIVE_URL", db.reactiveUrl());
            env.put("RELAY_DB_JDBC_URL", db.jdbcUrl());
            env.put("RELAY_DB_USER", db.user());
            env.putAll(keyEnv);
            env.put("RELAY_JWT_ISSUER", TestTokens.ISSUER);
            env.put("RELAY_STREAM_LINK_SECRET", STREAM_LINK_SECRET);
            env.putAll(unlimitedRates());
            env.putAll(extraEnv);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().putAll(env);
            Instant started = Instant.now();
            Process process = builder.start();
            PackagedService starting = new PackagedService(module, process, port, log, Duration.ZERO, Map.copyOf(extraEnv));
            starting.awaitReady(Duration.ofSeconds(90));
            Duration startedIn = Duration.between(started, Instant.now());
            System.out.printf("[timing] %s ready in %d ms%n", module, startedIn.toMillis());
            return new PackagedService(module, process, port, log, startedIn, Map.copyOf(extraEnv));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * These tests drive whole flows as a few users (hundreds of schedules, benchmarks): the rate limits are still
     * counted, far above what they send (the limits themselves: NoisyTenantTest, StreamDeliveryTest).
     */
    private static Map<String, String> unlimitedRates() {
        Map<String, String> env = new HashMap<>();
        for (String operation : List.of("RUNS", "SETTINGS", "READS", "STREAMS")) {
            for (String who : List.of("USER", "ORG")) {
                env.put("RELAY_RATE_LIMITS_" + operation + "_" + who + "_BURST", "100000000");
                env.put("RELAY_RATE_LIMITS_" + operation + "_" + who + "_PER_MINUTE", "1000000000");
            }
        }
        env.put("RELAY_STREAM_MAX_CONNECTIONS_PER_USER", "1000000");
        return env;
    }

    /** The service's log file (stdout and stderr). */
    public Path log() {
        return log;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** From process start to the first ready answer. */
    public Duration startedIn() {
        return startedIn;
    }

    /** The process's resident set size in KiB, read from /proc (Linux). */
    public long rssKib() {
        try {
            return Files.readAllLines(Path.of("/proc/" + process.pid() + "/status")).stream()
                    .filter(line -> line.startsWith("VmRSS:"))
                    .map(line -> Long.parseLong(line.replaceAll("\\D", "")))
                    .findFirst().orElse(-1L);
        } catch (IOException e) {
            return -1;
        }
    }

    private void awaitReady(Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException(module + " exited:\n" + Files.readString(log));
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(uri("/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
        throw new IllegalStateException(module + " was not ready within " + timeout + ":\n" + Files.readString(log));
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    @Override
    public void close() {
        // a service started from an image runs under unshare, which does not pass SIGTERM on: stop the service itself
        Instant stopping = Instant.now();
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.printf("[timing] %s stopped in %d ms%n", module, Duration.between(stopping, Instant.now()).toMillis());
    }
}
