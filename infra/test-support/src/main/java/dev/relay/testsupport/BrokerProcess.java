package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * A Kafka broker in a process of its own (infra/kafka/broker.sh, as the dev stack runs it), for tests that kill it:
 * the shared {@link KafkaBroker} lives inside the test JVM and cannot be killed.
 */
public final class BrokerProcess implements AutoCloseable {

    private final Path dataDir;
    private final int port;
    private final int controllerPort;
    private Process process;

    private BrokerProcess(Path dataDir, int port, int controllerPort) {
        this.dataDir = dataDir;
        this.port = port;
        this.controllerPort = controllerPort;
    }

    public static BrokerProcess start() {
        try {
            int[] ports = FreePorts.distinct(2);
            BrokerProcess broker = new BrokerProcess(Files.createTempDirectory("relay-broker-"), ports[0], ports[1]);
            broker.launch();
            return broker;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: the broker loses what it had not written to its log segments' page cache. */
    public void kill() {
        FreePorts.killNow(process);
    }

    /** Starts the broker again on its data directory and ports; answers once it accepts connections. */
    public void restart() {
        launch();
    }

    private void launch() {
        try {
            Path script = RelayPaths.root().resolve("infra/kafka/broker.sh");
            ProcessBuilder builder = new ProcessBuilder("bash", script.toString(), dataDir.toString(), String.valueOf(port),
                    String.valueOf(controllerPort)).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dataDir.resolve("broker.out").toFile()));
            String libs = System.getProperty("relay.kafka.libs");
            if (libs != null) {
                builder.environment().put("RELAY_KAFKA_LIBS", libs);
            }
            process = builder.start();
            Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
            while (!FreePorts.listening(port)) {
                if (Instant.now().isAfter(deadline) || !process.isAlive()) {
                    throw new IllegalStateException("the broker did not start: " + Files.readString(dataDir.resolve("broker.out")));
                }
                Thread.sleep(100);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    @Override
    public void close() {
        if (process != null) {
            process.destroy();
        }
    }
}
