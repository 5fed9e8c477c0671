package dev.relay.system;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.relay.common.event.Topics;
import dev.relay.testsupport.KafkaBroker;
import dev.relay.testsupport.PackagedService;
import dev.relay.testsupport.TestTokens;

/**
 * 100 000 usage reports (some sent twice) while the packaged billing service is killed with kill -9 and restarted
 * twice: the metered totals equal the exact sum of the distinct reports, not one token more or less.
 */
class MeteringCrashIT {

    private static final int REPORTS = 100_000;
    private static final String ORG = "metering-" + UUID.randomUUID().toString().substring(0, 8);
    // an admin: it reads every member's usage by user
    private static final String TOKEN = TestTokens.adminBearer(ORG, "auditor@" + ORG + ".dev");
    private static PackagedService billing;

    @BeforeAll
    static void startBilling() {
        billing = PackagedService.start("billing-service", Map.of());
    }

    @AfterAll
    static void stopBilling() {
        if (billing != null) {
            billing.close();
        }
    }

    @Test
    void killedTwiceWhileMeteringTheTotalsAreExact() throws Exception {
        Random random = new Random(42);
        long expected = 0;
        int duplicates = 0;
        List<Long> meteredAtKills = new ArrayList<>();
        long sentBefore = 0;
        Instant started = Instant.now();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaBroker.shared().bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < REPORTS; i++) {
                long input = 1 + random.nextInt(2000);
                long output = 1 + random.nextInt(500);
                expected += input + output;
                String task = UUID.randomUUID().toString();
                String report = "{\"id\":\"" + UUID.randomUUID() + "\",\"task_id\":\"" + task + "\",\"org\":\"" + ORG + "\",\"seq\":5,"
                        + "\"stream_id\":\"" + UUID.randomUUID() + "\",\"type\":\"usage.reported\",\"created_at\":\"" + Instant.now() + "\","
                        + "\"data\":{\"model\":\"sonnet-4.6\",\"input_tokens\":" + input + ",\"output_tokens\":" + output
                        + ",\"user\":\"user-" + (i % 7) + "@" + ORG + ".dev\"}}";
                producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, report));
                if (i % 20 == 0) {
                    producer.send(new ProducerRecord<>(Topics.TASK_EVENTS, task, report));
                    duplicates++;
                }
                if (i == REPORTS / 3 || i == 2 * REPORTS / 3) {
                    producer.flush();
                    // kill it while it meters what was just sent: once its total has moved past all sent before
                    long before = sentBefore;
                    AtomicLong now = new AtomicLong();
                    await("metering moved past what was sent before").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20))
                            .until(() -> now.updateAndGet(any -> metered()) > before);
                    sentBefore = expected;
                    meteredAtKills.add(now.get());
                    billing.kill();
                    billing = billing.restart();
                }
            }
        }

        long total = expected;
        AtomicLong lastMetered = new AtomicLong(-1);
        await("all metered").atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> assertThat(lastMetered.updateAndGet(any -> metered())).as("Neo tokens metered").isEqualTo(total));
        long metered = lastMetered.get();
        System.out.printf("[figures] metering crash: %d usage reports (+%d sent twice), billing killed -9 and restarted twice "
                + "(Neo tokens metered just before the kills: %s): metered %d of %d exactly, %.1f s after the first report%n", REPORTS,
                duplicates, meteredAtKills, metered, total, Duration.between(started, Instant.now()).toMillis() / 1000.0);
        assertThat(metered).isEqualTo(total);
    }

    private static long metered() {
        try {
            return given().header("Authorization", TOKEN).get(billing.uri("/api/v1/usage?groupBy=user")).then().statusCode(200)
                    .extract().jsonPath().getList("usage.neo_tokens", Number.class).stream().mapToLong(Number::longValue).sum();
        } catch (RuntimeException | AssertionError notReady) {
            return -1;
        }
    }
}
