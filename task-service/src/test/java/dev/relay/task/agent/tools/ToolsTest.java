package dev.relay.task.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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

import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRules;
import dev.relay.testsupport.EgressCorpus;

/**
 * The built-in tools against real local peers — a TLS server with a certificate made here, an HTTP server, listeners
 * that count the connections they accept — and the test resolver of {@link EgressCorpus} ({@code public.example.test}
 * points at 127.0.0.1). Loopback is refused by the default egress policy; a test that reaches its own peer allows
 * 127.0.0.1 and the peer's port for itself.
 */
class ToolsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String REFUSED = "destination not allowed by the egress policy";
    private static final EgressPolicy DEFAULTS = new EgressPolicy(EgressRules.DEFAULT, EgressCorpus::resolve);

    /** The default policy, but for loopback's 127.0.0.1 on {@code port}. */
    private static EgressPolicy allowingLoopback(int port) {
        return new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32").withPorts("443", String.valueOf(port)),
                EgressCorpus::resolve);
    }

    /** The default policy with {@code port} allowed too, so the address alone decides. */
    private static EgressPolicy defaultsOn(int port) {
        return new EgressPolicy(EgressRules.DEFAULT.withPorts("80", "443", String.valueOf(port)), EgressCorpus::resolve);
    }

    @Test
    void dnsLookupAnswersRecordsAndRefusesWhatIsNoHostName() throws Exception {
        DnsLookupTool dns = new DnsLookupTool(2000, new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32"), EgressCorpus::resolve));
        ToolResult localhost = dns.call(args("{\"name\":\"public.example.test\"}"), Map.of());
        assertThat(localhost.error()).isFalse();
        assertThat(JSON.readTree(localhost.output()).path("records").toString()).contains("127.0.0.1");
        assertThat(dns.call(args("{\"name\":\"not a host\"}"), Map.of()).error()).isTrue();
        assertThat(dns.call(args("{\"name\":\"example.com\",\"type\":\"SRV\"}"), Map.of()).error()).isTrue();
        assertThat(dns.changesSomething(args("{}"))).isFalse();
    }

    @Test
    void dnsLookupWithholdsAnswersThatPointInsideAndSaysNothingOfThem() throws Exception {
        DnsLookupTool dns = new DnsLookupTool(2000, DEFAULTS);
        for (String name : List.of("localhost", "LOCALHOST.", "api.localhost", "public.example.test", "metadata.example.test",
                "ula.example.test", "127.0.0.1", "2130706433", "kubernetes.default.svc.cluster.local")) {
            for (String type : List.of("A", "AAAA")) {
                JsonNode answer = JSON.readTree(dns.call(args("{\"name\":\"" + name + "\",\"type\":\"" + type + "\"}"), Map.of()).output());
                assertThat(answer.path("records")).as("%s %s", name, type).isEmpty();
                assertThat(answer.path("note").asText()).as("withheld reads as not found")
                        .isEqualTo(JSON.readTree(dns.call(args("{\"name\":\"no-such-name.example.test\"}"), Map.of()).output()).path("note").asText());
            }
        }
        JsonNode mixed = JSON.readTree(dns.call(args("{\"name\":\"rebind.example.test\"}"), Map.of()).output());
        assertThat(mixed.path("records").toString()).contains("93.184.215.14").doesNotContain("10.0.0.1");
        // names the policy refuses are not even asked of DNS, whatever the record type
        JsonNode cname = JSON.readTree(dns.call(args("{\"name\":\"metadata.google.internal\",\"type\":\"CNAME\"}"), Map.of()).output());
        assertThat(cname.path("records")).isEmpty();
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
            // a public-looking name the test resolver points at 127.0.0.1, which this test allows for itself
            String target = "{\"host\":\"public.example.test\",\"port\":" + listener.getLocalPort() + "}";
            EgressPolicy egress = allowingLoopback(listener.getLocalPort());

            JsonNode untrusted = JSON.readTree(new TlsInspectTool(5000, egress).call(args(target), Map.of()).output());
            assertThat(untrusted.path("protocol").asText()).startsWith("TLSv1.");
            assertThat(untrusted.path("trusted").asBoolean()).isFalse();
            assertThat(untrusted.path("certificates").path(0).path("subject").asText()).isEqualTo("CN=localhost");
            assertThat(untrusted.path("certificates").path(0).path("days_left").asLong()).isBetween(28L, 30L);
            assertThat(untrusted.path("certificates").path(0).path("names").toString()).contains("localhost");

            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(keys);
            JsonNode trusted = JSON.readTree(new TlsInspectTool(5000, (X509TrustManager) trust.getTrustManagers()[0], egress)
                    .call(args(target), Map.of()).output());
            assertThat(trusted.path("trusted").asBoolean()).isTrue();
            acceptor.join(10_000);
        }
        assertThat(new TlsInspectTool(1000, DEFAULTS).call(args("{\"host\":\"127.0.0.1\",\"port\":1}"), Map.of()).output())
                .isEqualTo(REFUSED);
    }

    @Test
    void tlsInspectOpensNoSocketToADestinationInside() throws Exception {
        try (dev.relay.testsupport.CountingListener listener = new dev.relay.testsupport.CountingListener(InetAddress.getLoopbackAddress())) {
            int port = listener.port();
            TlsInspectTool tls = new TlsInspectTool(1000, defaultsOn(port));
            for (String host : List.of("127.0.0.1", "127.1", "2130706433", "0x7f000001", "017700000001", "localhost", "localhost.",
                    "[::1]", "::ffff:127.0.0.1", "[::ffff:127.0.0.1]", "0.0.0.0", "public.example.test", "PUBLIC.example.test.",
                    "rebind.example.test", "169.254.169.254", "fd00::1")) {
                ToolResult result = tls.call(args("{\"host\":\"" + host + "\",\"port\":" + port + "}"), Map.of());
                assertThat(result.error()).isTrue();
                assertThat(result.output()).as(host).isEqualTo(REFUSED);
            }
            // loopback allowed, but a port that is not
            assertThat(new TlsInspectTool(1000, allowingLoopback(port)).call(args("{\"host\":\"127.0.0.1\",\"port\":8443}"), Map.of())
                    .output()).isEqualTo(REFUSED);
            Thread.sleep(200);
            assertThat(listener.accepted()).as("connections the listener accepted").isZero();
        }
    }

    @Test
    void tlsInspectFailsTheSameWayWhateverStoppedTheHandshake() throws Exception {
        int closed;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = gone.getLocalPort();
        }
        try (ServerSocket plain = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread talker = new Thread(() -> {
                try (Socket socket = plain.accept()) {
                    socket.getOutputStream().write("SSH-2.0-OpenSSH_9.6\r\n".getBytes(StandardCharsets.US_ASCII));
                    socket.getOutputStream().flush();
                    socket.getInputStream().read();
                } catch (Exception ignored) {
                    // the client gives up
                }
            });
            talker.start();
            List<String> answers = new java.util.ArrayList<>();
            for (int port : new int[] {closed, plain.getLocalPort(), silent.getLocalPort()}) {
                ToolResult result = new TlsInspectTool(500, allowingLoopback(port))
                        .call(args("{\"host\":\"public.example.test\",\"port\":" + port + "}"), Map.of());
                assertThat(result.error()).isTrue();
                answers.add(result.output().replace(String.valueOf(port), "PORT"));
            }
            assertThat(answers).as("closed, not TLS, silent").containsOnly("no TLS handshake with public.example.test:PORT");
            assertThat(new TlsInspectTool(500, allowingLoopback(closed)).call(args("{\"host\":\"no-such-name.example.test\",\"port\":"
                    + closed + "}"), Map.of()).output()).isEqualTo("no TLS handshake with no-such-name.example.test:" + closed);
            talker.join(5000);
        }
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
            HttpRequestTool http = new HttpRequestTool(List.of("127.0.0.1"), 100, Duration.ofSeconds(5),
                    allowingLoopback(server.getAddress().getPort()));
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
    void httpRequestOpensNoSocketToADestinationInsideWhateverTheAllowList() throws Exception {
        try (dev.relay.testsupport.CountingListener listener = new dev.relay.testsupport.CountingListener(InetAddress.getLoopbackAddress())) {
            int port = listener.port();
            List<String> allowList = List.of("127.0.0.1", "localhost", "*.example.test", "2130706433", "[::1]", "::1",
                    "[::ffff:127.0.0.1]", "0x7f000001");
            HttpRequestTool http = new HttpRequestTool(allowList, 100, Duration.ofSeconds(2), defaultsOn(port));
            for (String host : List.of("127.0.0.1", "localhost", "public.example.test", "rebind.example.test", "2130706433", "0x7f000001",
                    "[::1]", "[::ffff:127.0.0.1]")) {
                ToolResult result = http.call(args("{\"url\":\"http://" + host + ":" + port + "/\"}"), Map.of());
                assertThat(result.output()).as(host).isEqualTo(REFUSED);
            }
            // loopback allowed, but not this port: the allow-list is by name, the policy checks the port as well
            HttpRequestTool anyPort = new HttpRequestTool(allowList, 100, Duration.ofSeconds(2),
                    new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32"), EgressCorpus::resolve));
            assertThat(anyPort.call(args("{\"url\":\"http://127.0.0.1:" + port + "/\"}"), Map.of()).output()).isEqualTo(REFUSED);
            Thread.sleep(200);
            assertThat(listener.accepted()).as("connections the listener accepted").isZero();
        }
    }

    @Test
    void httpRequestFollowsNoRedirect() throws Exception {
        AtomicInteger requests = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            requests.incrementAndGet();
            exchange.getResponseHeaders().add("Location", "http://169.254.169.254/latest/meta-data/");
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        server.start();
        try {
            int port = server.getAddress().getPort();
            JsonNode answer = JSON.readTree(new HttpRequestTool(List.of("public.example.test"), 100, Duration.ofSeconds(5),
                    allowingLoopback(port)).call(args("{\"url\":\"http://public.example.test:" + port + "/go\"}"), Map.of()).output());
            assertThat(answer.path("status").asInt()).isEqualTo(302);
            assertThat(answer.path("headers").path("location").asText()).isEqualTo("http://169.254.169.254/latest/meta-data/");
            assertThat(requests).hasValue(1);
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
            HttpRequestTool http = new HttpRequestTool(List.of("127.0.0.1", "localhost"), 100, Duration.ofSeconds(5),
                    allowingLoopback(server.getAddress().getPort()));
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
