package dev.relay.task.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

/** The built-in tools against real local peers: the resolver, a TLS server with a certificate made here, an HTTP server. */
class ToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void dnsLookupAnswersRecordsAndRefusesWhatIsNoHostName() throws Exception {
        DnsLookupTool dns = new DnsLookupTool(2000);
        ToolResult localhost = dns.call(args("{\"name\":\"localhost\"}"), Map.of());
        assertThat(localhost.error()).isFalse();
        assertThat(JSON.readTree(localhost.output()).path("records").toString()).contains("127.0.0.1");
        assertThat(dns.call(args("{\"name\":\"not a host\"}"), Map.of()).error()).isTrue();
        assertThat(dns.call(args("{\"name\":\"example.com\",\"type\":\"SRV\"}"), Map.of()).error()).isTrue();
        assertThat(dns.changesSomething(args("{}"))).isFalse();
    }

    @Test
    void tlsInspectReportsTheChainAndWhetherItIsTrusted() throws Exception {
        Path dir = Files.createTempDirectory("relay-tls-");
        Path store = dir.resolve("server.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "relay", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "SAN=dns:localhost", "-validity", "30", "-keystore", store.toString(), "-storetype", "PKCS12",
                "-storepass", "changeit").redirectErrorStream(true).start();
        keytool.getInputStream().readAllBytes();
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (FileInputStream in = new FileInputStream(store.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keyManagers.init(keys, "changeit".toCharArray());
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(keyManagers.getKeyManagers(), null, null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory().createServerSocket(0)) {
            Thread acceptor = new Thread(() -> {
                for (int i = 0; i < 2; i++) {
                    try (SSLSocket socket = (SSLSocket) listener.accept()) {
                        socket.startHandshake();
                        socket.getInputStream().read();
                    } catch (Exception ignored) {
                        // the client closes after its handshake
                    }
                }
            });
            acceptor.start();
            String target = "{\"host\":\"localhost\",\"port\":" + listener.getLocalPort() + "}";

            JsonNode untrusted = JSON.readTree(new TlsInspectTool(5000).call(args(target), Map.of()).output());
            assertThat(untrusted.path("protocol").asText()).startsWith("TLSv1.");
            assertThat(untrusted.path("trusted").asBoolean()).isFalse();
            assertThat(untrusted.path("certificates").path(0).path("subject").asText()).isEqualTo("CN=localhost");
            assertThat(untrusted.path("certificates").path(0).path("days_left").asLong()).isBetween(28L, 30L);
            assertThat(untrusted.path("certificates").path(0).path("names").toString()).contains("localhost");

            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            JsonNode trusted = JSON.readTree(new TlsInspectTool(5000, (X509TrustManager) trust.getTrustManagers()[0])
                    .call(args(target), Map.of()).output());
            assertThat(trusted.path("trusted").asBoolean()).isTrue();
            acceptor.join(10_000);
        }
        assertThat(new TlsInspectTool(1000).call(args("{\"host\":\"127.0.0.1\",\"port\":1}"), Map.of()).error()).isTrue();
    }

    @Test
    void httpRequestCallsAllowedHostsOnlyUsesSecretsAndNeverShowsThem() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/echo", exchange -> {
            byte[] body = ("you sent " + exchange.getRequestHeaders().getFirst("Authorization") + " " + "x".repeat(500))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        try {
            String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/echo";
            HttpRequestTool http = new HttpRequestTool(List.of("127.0.0.1"), 100, Duration.ofSeconds(5));
            Map<String, String> secrets = Map.of("TOKEN", "s3cr3t-planted");

            Map<String, List<String>> hosts = Map.of("TOKEN", List.of("127.0.0.1"));
            ToolResult answered = http.call(args("{\"url\":\"" + url + "\",\"headers\":{\"Authorization\":\"Bearer {{secrets.TOKEN}}\"}}"),
                    secrets, hosts);
            assertThat(answered.error()).isFalse();
            JsonNode answer = JSON.readTree(answered.output());
            assertThat(answer.path("status").asInt()).isEqualTo(200);
            assertThat(answer.path("body").asText()).startsWith("you sent Bearer s3cr3t-planted").hasSize(100);
            assertThat(answer.path("body_cut_at_bytes").asInt()).isEqualTo(100);
            // what leaves the tool (for events and the model) never holds the secret
            assertThat(answered.bounded(10_000, text -> text.replace("s3cr3t-planted", "***")).output())
                    .doesNotContain("s3cr3t-planted").contains("Bearer ***");

            assertThat(http.call(args("{\"url\":\"https://example.com/\"}"), secrets).output()).contains("not on the allow-list");
            assertThat(http.call(args("{\"url\":\"" + url + "\",\"headers\":{\"X\":\"{{secrets.OTHER}}\"}}"), secrets, hosts).output())
                    .contains("secret OTHER");
            assertThat(http.call(args("{\"method\":\"DELETE\",\"url\":\"" + url + "\"}"), secrets).error()).isTrue();
            assertThat(http.changesSomething(args("{\"method\":\"POST\"}"))).isTrue();
            assertThat(http.changesSomething(args("{\"url\":\"x\"}"))).isFalse();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aSecretGoesOnlyIntoTheHeadersAndBodyOfARequestToAHostItIsBoundTo() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
        server.createContext("/", exchange -> {
            received.add(exchange.getRequestURI() + " " + exchange.getRequestHeaders().getFirst("Authorization") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            // both hosts are on the operator's allow-list; the secret is bound to one of them
            HttpRequestTool http = new HttpRequestTool(List.of("127.0.0.1", "localhost"), 100, Duration.ofSeconds(5));
            Map<String, String> secrets = Map.of("TOKEN", "s3cr3t-bound", "OLD", "s3cr3t-old");
            Map<String, List<String>> hosts = Map.of("TOKEN", List.of("127.0.0.1"), "OLD", List.of());

            assertThat(http.call(args("{\"url\":\"" + base + "/x?key={{secrets.TOKEN}}\"}"), secrets, hosts).output())
                    .contains("never in the URL");
            assertThat(http.call(args("{\"url\":\"http://{{secrets.TOKEN}}.localhost/\"}"), secrets, hosts).output())
                    .contains("never in the URL");
            String other = "http://localhost:" + server.getAddress().getPort() + "/x";
            assertThat(http.call(args("{\"url\":\"" + other + "\",\"headers\":{\"Authorization\":\"{{secrets.TOKEN}}\"}}"), secrets, hosts)
                    .output()).contains("may only be sent to 127.0.0.1, not to localhost");
            assertThat(http.call(args("{\"url\":\"" + other + "\",\"method\":\"POST\",\"body\":\"{{secrets.TOKEN}}\"}"), secrets, hosts)
                    .output()).contains("may only be sent to");
            assertThat(http.call(args("{\"url\":\"" + base + "/x\",\"body\":\"{{secrets.OLD}}\",\"method\":\"POST\"}"), secrets, hosts)
                    .output()).contains("has no hosts");
            assertThat(received).as("no refused request was sent").isEmpty();

            ToolResult sent = http.call(args("{\"url\":\"" + base + "/x\",\"method\":\"POST\",\"headers\":{\"Authorization\":\"{{secrets.TOKEN}}\"},"
                    + "\"body\":\"k={{secrets.TOKEN}}\"}"), secrets, hosts);
            assertThat(sent.error()).isFalse();
            assertThat(received).containsExactly("/x s3cr3t-bound k=s3cr3t-bound");
        } finally {
            server.stop(0);
        }
    }

    private static JsonNode args(String json) throws Exception {
        return JSON.readTree(json);
    }
}
