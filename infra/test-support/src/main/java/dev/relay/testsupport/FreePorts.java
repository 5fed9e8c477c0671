package dev.relay.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** Picks loopback ports nothing listens on, so parallel runs never collide; tells whether something listens. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int next() {
        return distinct(1)[0];
    }

    /**
     * {@code count} different free ports: each one's socket stays open until all are chosen, since the kernel may hand
     * a port just closed to the next request (two calls of {@link #next()} can answer the same port).
     */
    public static int[] distinct(int count) {
        ServerSocket[] sockets = new ServerSocket[count];
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                sockets[i] = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ports[i] = sockets[i].getLocalPort();
            }
            return ports;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            for (ServerSocket socket : sockets) {
                closeQuietly(socket);
            }
        }
    }

    private static void closeQuietly(ServerSocket socket) {
        if (socket == null) {
            return;
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // only its port was wanted
        }
    }

    /** Whether a server accepts connections on the loopback {@code port}. */
    public static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** Kills {@code process} at once (SIGKILL: no shutdown hook, no flush), as a crash or an OOM kill would. */
    public static void killNow(Process process) {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
