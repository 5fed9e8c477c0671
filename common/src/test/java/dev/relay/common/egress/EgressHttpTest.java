package dev.relay.common.egress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

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

    @Test
    void overTlsTheCertificateIsCheckedAgainstTheNameWhileTheSocketGoesToTheCheckedAddress() throws Exception {
        Path store = Files.createTempDirectory("relay-egress-tls-").resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "relay", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=public.example.test",
                "-ext", "SAN=dns:public.example.test", "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext serverTls = SSLContext.getInstance("TLS");
        serverTls.init(keyManagers.getKeyManagers(), null, null);
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(keys);
        SSLContext clientTls = SSLContext.getInstance("TLS");
        clientTls.init(null, trust.getTrustManagers(), null);

        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls));
        AtomicReference<String> host = new AtomicReference<>();
        server.createContext("/", exchange -> {
            host.set(exchange.getRequestHeaders().getFirst("Host"));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            EgressPolicy policy = new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32").withPorts(String.valueOf(port)),
                    EgressCorpus::resolve);
            EgressHttp http = new EgressHttp(clientTls);
            URI byName = URI.create("https://public.example.test:" + port + "/");
            assertThat(http.exchange(policy.check(byName), "GET", byName, List.of(), null, 100, Duration.ofSeconds(5)).status())
                    .isEqualTo(204);
            assertThat(host.get()).isEqualTo("public.example.test:" + port);
            // the same server by its address: the certificate does not name it, so the exchange fails
            URI byAddress = URI.create("https://127.0.0.1:" + port + "/");
            assertThatThrownBy(() -> http.exchange(policy.check(byAddress), "GET", byAddress, List.of(), null, 100, Duration.ofSeconds(5)))
                    .isInstanceOf(IOException.class);
        } finally {
            server.stop(0);
        }
    }
}
