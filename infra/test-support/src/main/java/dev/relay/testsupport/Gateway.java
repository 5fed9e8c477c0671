package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

/**
 * Relay's nginx gateway (infra/gateway/nginx.conf.template) in front of the given service ports, as the dev stack
 * runs it; installed from Debian when missing, as infra/dev/start.sh does.
 */
public final class Gateway implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path dir;

    private Gateway(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The gateway with per-address limits no test reaches (all of a test's requests come from one address). */
    public static Gateway start(int taskPort, int streamPort) {
        return start(taskPort, streamPort, 100_000, 100_000);
    }

    /**
     * The gateway with the given per-address limits: {@code rate} requests a second, bursts of {@code burst} served at
     * once, for every request and (the same numbers) for stream opens.
     */
    public static Gateway start(int taskPort, int streamPort, int rate, int burst) {
        try {
            Path root = RelayPaths.root();
            Commands.run(new ProcessBuilder("bash", "-c", "source infra/dev/lib.sh && ensure_packages nginx-light").directory(root.toFile()));
            // nginx's workers run as another user when it is started by root: they must reach their temp directories
            Path dir = Files.createTempDirectory("relay-gateway-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
            int port = FreePorts.next();
            String config = Files.readString(root.resolve("infra/gateway/nginx.conf.template"))
                    .replace("@RUN_DIR@", dir.toString()).replace("@GATEWAY_PORT@", String.valueOf(port))
                    .replace("@TASK_PORT@", String.valueOf(taskPort)).replace("@STREAM_PORT@", String.valueOf(streamPort))
                    .replace("@SCHEDULE_PORT@", String.valueOf(FreePorts.next()))
                    .replace("@BILLING_PORT@", String.valueOf(FreePorts.next()))
                    .replace("@GATEWAY_RATE@", String.valueOf(rate)).replace("@GATEWAY_BURST@", String.valueOf(burst))
                    .replace("@GATEWAY_STREAM_RATE@", String.valueOf(rate)).replace("@GATEWAY_STREAM_BURST@", String.valueOf(burst));
            Files.writeString(dir.resolve("nginx.conf"), config);
            Process process = new ProcessBuilder("nginx", "-p", dir.toString(), "-c", dir.resolve("nginx.conf").toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(10));
            while (!FreePorts.listening(port)) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    throw new IllegalStateException("nginx did not start: " + Files.readString(dir.resolve("nginx.out")));
                }
                Thread.sleep(50);
            }
            return new Gateway(process, port, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** The access log, as the template writes it. */
    public Path accessLog() {
        return dir.resolve("gateway-access.log");
    }

    /** The error log, as the template writes it. */
    public Path errorLog() {
        return dir.resolve("gateway-error.log");
    }

    @Override
    public void close() {
        process.destroy();
    }

}
