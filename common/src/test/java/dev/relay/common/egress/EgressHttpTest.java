package dev.relay.common.egress;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.relay.testsupport.EgressCorpus;

/** One exchange with a loopback server the test allowed: to the checked address, named as asked, body bounded. */
class EgressHttpTest {

    @Test
    void theExchangeGoesToTheCheckedAddressWithTheNameAsAsked() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        AtomicReference<String> host = new AtomicReference<>();
        AtomicInteger requests = new AtomicInteger();
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            host.set(exchange.getRequestHeaders().getFirst("Host"));
            byte[] body = ("got " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8) + " "
                    + "x".repeat(10_000)).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(exchange.getRequestURI().getPath().equals("/chunked") ? 200 : 201,
                    exchange.getRequestURI().getPath().equals("/chunked") ? 0 : body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            EgressPolicy policy = new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32").withPorts(String.valueOf(port)),
                    EgressCorpus::resolve);
            URI url = URI.create("http://public.example.test:" + port + "/sized?q=1");
            EgressHttp http = EgressHttp.withDefaultTrust();

            EgressHttp.Response sized = http.exchange(policy.check(url), "POST", url, List.of(Map.entry("X-Test", "1")),
                    "hello".getBytes(StandardCharsets.UTF_8), 9, Duration.ofSeconds(5));
            assertThat(sized.status()).isEqualTo(201);
            assertThat(new String(sized.body(), StandardCharsets.UTF_8)).isEqualTo("got hello");
            assertThat(sized.cut()).isTrue();
            assertThat(host.get()).isEqualTo("public.example.test:" + port);

            URI chunkedUrl = URI.create("http://public.example.test:" + port + "/chunked");
            EgressHttp.Response chunked = http.exchange(policy.check(chunkedUrl), "GET", chunkedUrl, List.of(), null, 100_000,
                    Duration.ofSeconds(5));
            assertThat(chunked.status()).isEqualTo(200);
            assertThat(chunked.body()).hasSize(10_005);
            assertThat(chunked.cut()).isFalse();
            assertThat(requests).hasValue(2);
        } finally {
            server.stop(0);
        }
    }
}
