package dev.relay.task.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A tool call's deadline stops its work: against a loopback peer that trickles its answer a byte at a time (each
 * byte well within the socket's read timeout), the call fails at the deadline and its connection is closed then,
 * not when the peer is done.
 */
class ToolDeadlineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofMillis(1500);

    @Test
    void aTricklingTlsPeerIsCutOffAtTheDeadline() throws Exception {
        // a TLS record header announcing 16 KB of handshake, then its bytes one every 100 ms
        byte[] head = {0x16, 0x03, 0x03, 0x40, 0x00};
        try (TricklingPeer peer = new TricklingPeer(head)) {
            ToolRegistry registry = new ToolRegistry(ToolRegistryTest.config(List.of(), List.of(), DEADLINE), ToolRegistryTest.loopback());
            long started = System.nanoTime();
            ToolResult result = registry.call("tls_inspect", JSON.readTree("{\"host\":\"127.0.0.1\",\"port\":" + peer.port() + "}"),
                    Map.of(), Map.of(), text -> text).await().atMost(Duration.ofSeconds(10));
            assertThat(result.error()).isTrue();
            assertThat(result.output()).contains("did not finish within 1500 ms");
            assertThat(peer.closedAfter(started)).as("the connection is closed at the deadline")
                    .isLessThan(DEADLINE.plusSeconds(1));
        }
    }

    @Test
    void aTricklingHttpBodyIsCutOffAtTheDeadline() throws Exception {
        byte[] head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        try (TricklingPeer peer = new TricklingPeer(head)) {
            ToolRegistry registry = new ToolRegistry(ToolRegistryTest.config(List.of("127.0.0.1"), List.of(), DEADLINE), ToolRegistryTest.loopback());
            long started = System.nanoTime();
            ToolResult result = registry.call("http_request",
                    JSON.readTree("{\"url\":\"http://127.0.0.1:" + peer.port() + "/slow\"}"), Map.of(), Map.of(), text -> text).await().atMost(Duration.ofSeconds(10));
            assertThat(result.error()).isTrue();
            assertThat(result.output()).contains("did not finish within 1500 ms");
            assertThat(peer.closedAfter(started)).as("the connection is closed at the deadline")
                    .isLessThan(DEADLINE.plusSeconds(1));
        }
    }

    /** A loopback peer that reads what the client sends first, answers {@code head}, then one byte every 100 ms for a minute. */
    private static final class TricklingPeer implements AutoCloseable {

        private final ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        private final CompletableFuture<Long> closed = new CompletableFuture<>();

        TricklingPeer(byte[] head) throws Exception {
            Thread peer = new Thread(() -> {
                try (Socket socket = listener.accept()) {
                    InputStream in = socket.getInputStream();
                    in.read(new byte[16_384]);
                    Thread watcher = new Thread(() -> {
                        try {
                            while (in.read() >= 0) {
                                // whatever else the client sends
                            }
                        } catch (Exception gone) {
                            // reset: closed too
                        }
                        closed.complete(System.nanoTime());
                    });
                    watcher.setDaemon(true);
                    watcher.start();
                    OutputStream out = socket.getOutputStream();
                    out.write(head);
                    out.flush();
                    for (int i = 0; i < 600 && !closed.isDone(); i++) {
                        Thread.sleep(100);
                        out.write('a');
                        out.flush();
                    }
                } catch (Exception closedByClient) {
                    closed.complete(System.nanoTime());
                }
            });
            peer.setDaemon(true);
            peer.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        /** How long after {@code started} the client closed the connection (waiting at most 20 s for it). */
        Duration closedAfter(long started) throws Exception {
            return Duration.ofNanos(closed.get(20, TimeUnit.SECONDS) - started);
        }

        @Override
        public void close() throws Exception {
            listener.close();
        }
    }
}
