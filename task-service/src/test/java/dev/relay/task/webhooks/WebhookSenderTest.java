package dev.relay.task.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;

import com.sun.net.httpserver.HttpServer;

import dev.relay.common.egress.EgressPolicy;
import dev.relay.common.egress.EgressRules;
import dev.relay.testsupport.EgressCorpus;

/**
 * A webhook send goes through the egress policy when it is made: a destination inside opens no socket (the loopback
 * listener counts) and is answered the same neutral refusal, with no status and no time taken; one the test allows
 * is POSTed to, signed.
 */
class WebhookSenderTest {

    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void aSendToADestinationInsideOpensNoSocketAndSaysOnlyThatItWasRefused() throws Exception {
        try (dev.relay.testsupport.CountingListener listener = new dev.relay.testsupport.CountingListener(InetAddress.getLoopbackAddress())) {
            int port = listener.port();
            // the listener's port is allowed, so the address alone decides
            WebhookSender sender = new WebhookSender(Duration.ofSeconds(2),
                    new EgressPolicy(EgressRules.DEFAULT.withPorts("443", String.valueOf(port)), EgressCorpus::resolve));
            for (String host : List.of("127.0.0.1", "public.example.test", "rebind.example.test", "localhost", "[::ffff:127.0.0.1]",
                    "2130706433", "[::1]", "169.254.169.254")) {
                WebhookSender.Outcome outcome = sender.send("http://" + host + ":" + port + "/hook", SECRET, "msg_1", "{}")
                        .await().atMost(Duration.ofSeconds(5));
                assertThat(outcome.refused()).as(host).isTrue();
                assertThat(outcome.error()).isEqualTo("destination not allowed by the egress policy");
                assertThat(outcome.statusCode()).isNull();
                assertThat(outcome.durationMillis()).isZero();
            }
            // the same refusal for a port that is not allowed, even where the address is
            WebhookSender loopbackOnly = new WebhookSender(Duration.ofSeconds(2),
                    new EgressPolicy(EgressRules.DEFAULT.allowing("127.0.0.1/32"), EgressCorpus::resolve));
            assertThat(loopbackOnly.send("http://127.0.0.1:" + port + "/hook", SECRET, "msg_2", "{}").await().atMost(Duration.ofSeconds(5))
                    .refused()).isTrue();
            Thread.sleep(200);
            assertThat(listener.accepted()).as("connections the listener accepted").isZero();
        }
    }

    @Test
    void aSendTheOperatorAllowsIsPostedSignedToTheCheckedAddress() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicReference<String> host = new AtomicReference<>();
        AtomicReference<String> signature = new AtomicReference<>();
        receiver.createContext("/hook", exchange -> {
            host.set(exchange.getRequestHeaders().getFirst("Host"));
            signature.set(exchange.getRequestHeaders().getFirst("webhook-signature"));
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            int port = receiver.getAddress().getPort();
            WebhookSender sender = new WebhookSender(Duration.ofSeconds(5), new EgressPolicy(
                    EgressRules.DEFAULT.allowing("127.0.0.1/32").withPorts(String.valueOf(port)), EgressCorpus::resolve));
            WebhookSender.Outcome outcome = sender.send("http://public.example.test:" + port + "/hook", SECRET, "msg_3",
                    "{\"ok\":true}").await().atMost(Duration.ofSeconds(10));
            assertThat(outcome.statusCode()).isEqualTo(204);
            assertThat(outcome.accepted()).isTrue();
            assertThat(host.get()).isEqualTo("public.example.test:" + port);
            assertThat(signature.get()).startsWith("v1,");
        } finally {
            receiver.stop(0);
        }
    }
}
