package dev.relay.common.egress;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Pattern;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 exchange with a {@link Destination} the policy let through: the socket goes to the checked address
 * (TLS names and verifies the host), the request carries {@code Connection: close}, redirects are never followed, the
 * body read is bounded and so is the whole exchange's time. The JDK's HTTP client cannot be told which address to
 * connect to, so it would look the name up again.
 */
public final class EgressHttp {

    /** What the server answered: status, headers (lower-case names), at most the body bytes asked for. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body, boolean cut) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null || values.isEmpty() ? null : values.get(0);
        }
    }

    /** A header name or value that would break the request. */
    public static final class BadHeader extends IllegalArgumentException {
        BadHeader(String message) {
            super(message);
        }
    }

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Set<String> RESTRICTED = Set.of("host", "content-length", "connection", "transfer-encoding", "upgrade",
            "expect", "te", "keep-alive");
    private static final int MAX_HEAD_BYTES = 64 * 1024;

    private final SSLContext tls;

    public EgressHttp(SSLContext tls) {
        this.tls = tls;
    }

    /** With the JDK's default trust. */
    public static EgressHttp withDefaultTrust() {
        try {
            return new EgressHttp(SSLContext.getDefault());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Checks a header the caller chose; {@link BadHeader} when it is malformed or one the exchange sets itself. */
    public static void checkHeader(String name, String value) {
        if (name == null || !TOKEN.matcher(name).matches() || RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new BadHeader("header name " + name);
        }
        if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new BadHeader("value of header " + name);
        }
    }

    /**
     * Sends {@code method url} to {@code destination} (checked for this URL's host and port) and reads the answer:
     * at most {@code maxBodyBytes} of its body, everything within {@code timeout}.
     */
    public Response exchange(Destination destination, String method, URI url, List<Map.Entry<String, String>> headers, byte[] body,
            long maxBodyBytes, Duration timeout) throws IOException {
        return exchange(destination, method, url, headers, body, maxBodyBytes, timeout, socket -> { });
    }

    /** As above, handing the socket to {@code opened} first (for a caller that may need to close it from elsewhere). */
    public Response exchange(Destination destination, String method, URI url, List<Map.Entry<String, String>> headers, byte[] body,
            long maxBodyBytes, Duration timeout, Consumer<? super Socket> opened) throws IOException {
        headers.forEach(header -> checkHeader(header.getKey(), header.getValue()));
        boolean secure = "https".equalsIgnoreCase(url.getScheme());
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Socket socket = connect(destination, secure, timeout, opened)) {
            StringBuilder head = new StringBuilder();
            String target = (url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath())
                    + (url.getRawQuery() == null ? "" : "?" + url.getRawQuery());
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(destination.hostHeader(secure)).append("\r\n");
            for (Map.Entry<String, String> header : headers) {
                head.append(header.getKey()).append(": ").append(header.getValue()).append("\r\n");
            }
            if (body != null || "POST".equals(method) || "PUT".equals(method)) {
                head.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            OutputStream out = socket.getOutputStream();
            out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            if (body != null) {
                out.write(body);
            }
            out.flush();
            return read(new Deadlined(new BufferedInputStream(socket.getInputStream()), socket, deadline), method, maxBodyBytes);
        }
    }

    private Socket connect(Destination destination, boolean secure, Duration timeout, Consumer<? super Socket> opened)
            throws IOException {
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Socket socket = secure ? tls.getSocketFactory().createSocket() : new Socket();
        try {
            opened.accept(socket);
            socket.connect(destination.socketAddress(), millis);
            socket.setSoTimeout(millis);
            if (socket instanceof SSLSocket ssl) {
                SSLParameters parameters = ssl.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                if (!destination.literal()) {
                    parameters.setServerNames(List.of(new SNIHostName(destination.host())));
                }
                ssl.setSSLParameters(parameters);
                ssl.startHandshake();
            }
            return socket;
        } catch (IOException | RuntimeException failed) {
            socket.close();
            throw failed;
        }
    }

    private static Response read(Deadlined in, String method, long maxBodyBytes) throws IOException {
        while (true) {
            String status = line(in);
            String[] parts = status.split(" ", 3);
            if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
                throw new IOException("not an HTTP answer");
            }
            int code;
            try {
                code = Integer.parseInt(parts[1]);
            } catch (NumberFormatException e) {
                throw new IOException("not an HTTP answer");
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            for (String line = line(in); !line.isEmpty(); line = line(in)) {
                int colon = line.indexOf(':');
                if (colon > 0) {
                    headers.computeIfAbsent(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), name -> new ArrayList<>())
                            .add(line.substring(colon + 1).strip());
                }
            }
            if (code >= 100 && code < 200) {
                continue; // 100 Continue and the like: the real answer follows
            }
            if ("HEAD".equals(method) || code == 204 || code == 304 || maxBodyBytes <= 0) {
                return new Response(code, headers, new byte[0], false);
            }
            ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
            boolean cut = readBody(in, headers, bodyBytes, maxBodyBytes);
            return new Response(code, headers, bodyBytes.toByteArray(), cut);
        }
    }

    /** Reads up to {@code max} bytes of the body (chunked, sized or to the end); whether there was more. */
    private static boolean readBody(Deadlined in, Map<String, List<String>> headers, ByteArrayOutputStream body, long max)
            throws IOException {
        List<String> encoding = headers.getOrDefault("transfer-encoding", List.of());
        if (encoding.stream().anyMatch(value -> value.toLowerCase(Locale.ROOT).contains("chunked"))) {
            while (true) {
                String size = line(in);
                int extension = size.indexOf(';');
                long chunk;
                try {
                    chunk = Long.parseLong((extension < 0 ? size : size.substring(0, extension)).strip(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("bad chunk");
                }
                if (chunk == 0) {
                    return false;
                }
                if (copy(in, body, chunk, max)) {
                    return true;
                }
                line(in);
            }
        }
        List<String> length = headers.getOrDefault("content-length", List.of());
        long expected = Long.MAX_VALUE;
        if (!length.isEmpty()) {
            try {
                expected = Long.parseLong(length.get(0));
            } catch (NumberFormatException e) {
                throw new IOException("bad content length");
            }
        }
        return copy(in, body, expected, max);
    }

    /** Copies {@code count} bytes (or to the end) into {@code body} while it holds less than {@code max}; whether it was cut. */
    private static boolean copy(Deadlined in, ByteArrayOutputStream body, long count, long max) throws IOException {
        byte[] buffer = new byte[8192];
        long left = count;
        while (left > 0) {
            int read = in.read(buffer, (int) Math.min(buffer.length, left));
            if (read < 0) {
                if (count != Long.MAX_VALUE) {
                    throw new IOException("the answer ended early");
                }
                return false;
            }
            left -= read;
            long room = max - body.size();
            if (read > room) {
                body.write(buffer, 0, (int) room);
                return true;
            }
            body.write(buffer, 0, read);
        }
        return false;
    }

    private static String line(Deadlined in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("the answer ended early");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int end = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
            }
            if (line.size() >= MAX_HEAD_BYTES) {
                throw new IOException("the answer's head is too long");
            }
            line.write(b);
        }
    }

    /** The socket's stream, failing once the exchange's deadline has passed (a trickling server cannot hold it). */
    private static final class Deadlined {
        private final InputStream in;
        private final Socket socket;
        private final long deadline;

        Deadlined(InputStream in, Socket socket, long deadline) {
            this.in = in;
            this.socket = socket;
            this.deadline = deadline;
        }

        int read() throws IOException {
            arm();
            return in.read();
        }

        int read(byte[] buffer, int length) throws IOException {
            arm();
            return in.read(buffer, 0, length);
        }

        private void arm() throws IOException {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new SocketTimeoutException("the exchange took too long");
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE, left / 1_000_000)));
        }
    }
}
