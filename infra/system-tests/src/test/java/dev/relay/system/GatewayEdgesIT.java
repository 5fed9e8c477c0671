package dev.relay.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.relay.testsupport.FreePorts;
import dev.relay.testsupport.Gateway;
import dev.relay.testsupport.probe.RawHttp;
import dev.relay.testsupport.probe.ResponseRules;

/**
 * What the gateway refuses before any service sees it carries the error body too (the probe found nginx HTML pages
 * for these). Its upstreams are ports nobody listens on, which is also what a client meets while a service is down.
 */
class GatewayEdgesIT {

    private static Gateway gateway;

    @BeforeAll
    static void startGateway() {
        gateway = Gateway.start(FreePorts.next(), FreePorts.next());
    }

    @AfterAll
    static void stopGateway() {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void theLogsKeepThePathAndNotTheQueryWhereSignedLinksCarryTheirSignature() throws Exception {
        // a signed link and a stream, each to a service that is down (the error log would name the request line)
        List<String> paths = List.of("/api/v1/streams/" + java.util.UUID.randomUUID() + "/content",
                "/api/preview/agents/acme/tasks/" + java.util.UUID.randomUUID() + "/events/stream");
        for (String path : paths) {
            java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            gateway.uri(path + "?expires=4102444800&sig=c2lnbmF0dXJlLW9mLWEtbGluaw&access_token=tok-in-the-query")).build(),
                    java.net.http.HttpResponse.BodyHandlers.discarding());
        }
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> paths.stream().allMatch(path -> read(gateway.accessLog()).contains("GET " + path + " HTTP/1.1")));
        for (java.nio.file.Path log : List.of(gateway.accessLog(), gateway.errorLog())) {
            assertThat(read(log)).as("%s", log.getFileName()).doesNotContain("c2lnbmF0dXJlLW9mLWEtbGluaw")
                    .doesNotContain("tok-in-the-query").doesNotContain("expires=");
        }
    }

    private static String read(java.nio.file.Path log) {
        try {
            return java.nio.file.Files.exists(log) ? java.nio.file.Files.readString(log) : "";
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void aClientThatNeverFinishesItsHeadersIsCutOff() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", gateway.uri("/").getPort())) {
            socket.getOutputStream().write("GET /api/v1/tasks/x HTTP/1.1\r\nHost: relay\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            socket.setSoTimeout(20_000);
            long started = System.nanoTime();
            // nginx closes the connection (client_header_timeout 10 s) without an answer: the read ends
            assertThat(socket.getInputStream().readAllBytes()).isNotNull();
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(15));
        }
    }

    @Test
    void anAddressOverTheGatewaysRateIsAnswered429WithTheErrorBody() {
        // 1 request a second, bursts of 2: of 8 requests sent at once, 3 pass (to a service that is down: 502)
        try (Gateway limited = Gateway.start(FreePorts.next(), FreePorts.next(), 1, 2)) {
            RawHttp http = new RawHttp(limited.uri("/"));
            List<RawHttp.Response> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(http.send(RawHttp.head("GET", "/api/v1/tasks/x"), new byte[0], Duration.ofSeconds(15)));
            }
            List<RawHttp.Response> refused = answers.stream().filter(answer -> answer.status() == 429).toList();
            assertThat(answers.subList(0, 3)).extracting(RawHttp.Response::status).containsOnly(502);
            assertThat(refused).hasSizeGreaterThanOrEqualTo(3);
            assertThat(answers).extracting(RawHttp.Response::status).containsOnly(502, 429);
            assertThat(refused).allSatisfy(answer -> {
                assertThat(ResponseRules.errorBodyProblem(answer.contentType(), answer.body())).isNull();
                assertThat(answer.body()).contains("\"code\":\"too_many_requests\"");
                assertThat(answer.headers()).containsEntry("retry-after", "1");
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            undecodable path        | GET /api/v1/tasks/%ZZ HTTP/1.1            |        | 400
            NUL in the path         | GET /api/v1/tasks/a%00b HTTP/1.1          |        | 400
            braces in the path      | GET /api/v1/tasks/{uuid} HTTP/1.1         |        | 400
            not HTTP                | HELLO                                     |        | 400
            request line too long   | GET /api/v1/tasks/LONG HTTP/1.1           |        | 414
            header too large        | GET /api/v1/tasks/x HTTP/1.1              | BIG    | 431
            body over 1 MiB         | POST /api/v1/tasks HTTP/1.1               | LENGTH | 413
            chunked body over 1 MiB | POST /api/v1/tasks HTTP/1.1               | CHUNKS | 413
            no route                | GET /nowhere HTTP/1.1                     |        | 404
            service down            | GET /api/v1/tasks/x HTTP/1.1              |        | 502
            """)
    void refusalsOfTheGatewayCarryTheErrorBody(String name, String requestLine, String extra, int status) {
        String line = requestLine.replace("LONG", "a".repeat(10_000));
        StringBuilder head = new StringBuilder(line).append("\r\nHost: relay\r\nConnection: close\r\n");
        byte[] body = new byte[0];
        switch (extra == null ? "" : extra) {
            case "BIG" -> head.append("X-Big: ").append("a".repeat(10_000)).append("\r\n");
            case "LENGTH" -> head.append("Content-Type: application/json\r\nContent-Length: 2000000\r\n");
            case "CHUNKS" -> {
                head.append("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n");
                String chunk = Integer.toHexString(65_536) + "\r\n" + "x".repeat(65_536) + "\r\n";
                body = (chunk.repeat(20) + "0\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            }
            default -> { }
        }
        RawHttp.Response response = new RawHttp(gateway.uri("/")).send(head.append("\r\n").toString(), body, Duration.ofSeconds(15));

        assertThat(response.status()).isEqualTo(status);
        assertThat(ResponseRules.errorBodyProblem(response.contentType(), response.body())).isNull();
    }
}
