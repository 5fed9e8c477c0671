package dev.relay.testsupport.probe;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for the requests a well-behaved client library refuses to send: undecodable paths,
 * oversized lines and headers, bodies shorter than announced. One request per connection.
 */
public final class RawHttp {

    private final String host;
    private final int port;

    public RawHttp(URI base) {
        this.host = base.getHost();
        this.port = base.getPort();
    }

    /** The answer, or {@link Response#timedOut()} when none came within {@code timeout}. */
    public Response send(String head, byte[] body, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 5_000);
            socket.setSoTimeout((int) timeout.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(head.replace("@HOST@", host + ":" + port).getBytes(StandardCharsets.ISO_8859_1));
            out.write(body);
            out.flush();
            return read(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            return Response.TIMED_OUT;
        } catch (IOException e) {
            throw new UncheckedIOException("sending a raw request to " + host + ":" + port, e);
        }
    }

    /** A request line and headers ({@code Host} filled in, connection closed after it), then the blank line. */
    public static String head(String method, String target, String... headers) {
        StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\nHost: @HOST@\r\n");
        for (String header : headers) {
            head.append(header).append("\r\n");
        }
        return head.append("Connection: close\r\n\r\n").toString();
    }

    private static Response read(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        int headEnd = -1;
        int n;
        while (headEnd < 0 && (n = in.read(buffer)) >= 0) {
            all.write(buffer, 0, n);
            headEnd = all.toString(StandardCharsets.ISO_8859_1).indexOf("\r\n\r\n");
        }
        String text = all.toString(StandardCharsets.ISO_8859_1);
        if (headEnd < 0) {
            return text.isEmpty() ? Response.CLOSED : new Response(-1, Map.of(), text);
        }
        String[] lines = text.substring(0, headEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
        }
        byte[] rest = all.toByteArray();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(rest, headEnd + 4, rest.length - headEnd - 4);
        String length = headers.get("content-length");
        try {
            while ((length == null || body.size() < Long.parseLong(length)) && (n = in.read(buffer)) >= 0) {
                body.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException incomplete) {
            // what arrived is the answer: a server that keeps the connection open after it changes nothing here
        }
        String content = body.toString(StandardCharsets.UTF_8);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            content = unchunk(content);
        }
        return new Response(status, headers, content);
    }

    private static String unchunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < chunked.length()) {
            int lineEnd = chunked.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, lineEnd + 2, Math.min(chunked.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }

    /** A status (-1 when the answer was not HTTP), lower-cased headers and the body as text. */
    public record Response(int status, Map<String, String> headers, String body) {
        static final Response TIMED_OUT = new Response(0, Map.of(), "");
        static final Response CLOSED = new Response(-2, Map.of(), "");

        public boolean timedOut() {
            return status == 0;
        }

        public String contentType() {
            return headers.getOrDefault("content-type", "");
        }
    }
}
