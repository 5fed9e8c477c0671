package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A real Apache Kafka broker (KRaft, single node) in a child process, started once per JVM through
 * {@code infra/kafka/broker.sh} and stopped when the JVM exits.
 */
public final class KafkaBroker {

    private static KafkaBroker shared;

    private final Process process;
    private final int port;
    private final Path dataDir;

    private KafkaBroker(Process process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    public static synchronized KafkaBroker shared() {
        if (shared == null) {
            shared = start();
            Runtime.getRuntime().addShutdownHook(new Thread(shared::stop));
        }
        return shared;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    private static KafkaBroker start() {
        try {
            Path dataDir = Files.createTempDirectory("relay-kafka-");
            int[] ports = FreePorts.distinct(2);
            int port = ports[0];
            int controllerPort = ports[1];
            ProcessBuilder builder = new ProcessBuilder("bash", RelayPaths.root().resolve("infra/kafka/broker.sh").toString(),
                    dataDir.toString(), String.valueOf(port), String.valueOf(controllerPort))
                    .redirectErrorStream(true)
                    .redirectOutput(dataDir.resolve("broker.log").toFile());
            String libs = System.getProperty("relay.kafka.libs");
            if (libs != null) {
                builder.environment().put("RELAY_KAFKA_LIBS", libs);
            }
            KafkaBroker broker = new KafkaBroker(builder.start(), port, dataDir);
            broker.awaitListening(Duration.ofSeconds(60));
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the Kafka broker", e);
        }
    }

    private void awaitListening(Duration timeout) throws IOException {
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Kafka broker exited: " + Files.readString(dataDir.resolve("broker.log")));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("Kafka broker did not listen within " + timeout);
    }

    void stop() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            process.waitFor();
            try (var paths = Files.walk(dataDir)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException ignored) {
            // a leftover temp directory is harmless
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
