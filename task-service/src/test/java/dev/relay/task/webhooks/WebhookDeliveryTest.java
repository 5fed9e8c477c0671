package dev.relay.task.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The retry schedule of a webhook message: doubling pauses, capped, given up after a while, done on a 2xx. */
class WebhookDeliveryTest {

    private static final Instant WRITTEN = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void pausesDoubleUpToTheCapAndTheMessageIsGivenUpAfterTheLimit() {
        WebhookDelivery delivery = WebhookDelivery.of("acme", UUID.randomUUID(), "task.completed", "https://x", "{}", WRITTEN);
        List<Duration> pauses = new ArrayList<>();
        Instant now = WRITTEN;
        while (WebhookDelivery.PENDING.equals(delivery.status)) {
            delivery.attempted(false, now, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofMinutes(5));
            if (delivery.nextAttemptAt != null) {
                pauses.add(Duration.between(now, delivery.nextAttemptAt));
                now = delivery.nextAttemptAt;
            }
        }
        assertThat(pauses).startsWith(Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(40),
                Duration.ofMinutes(1), Duration.ofMinutes(1));
        assertThat(delivery.status).isEqualTo(WebhookDelivery.FAILED);
        assertThat(Duration.between(WRITTEN, now)).isLessThanOrEqualTo(Duration.ofMinutes(5));
        assertThat(delivery.attempts).isEqualTo(pauses.size() + 1);
    }

    @Test
    void aTwoHundredDeliversIt() {
        WebhookDelivery delivery = WebhookDelivery.of("acme", UUID.randomUUID(), "task.completed", "https://x", "{}", WRITTEN);
        delivery.attempted(false, WRITTEN, Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofHours(24));
        delivery.attempted(true, WRITTEN.plusSeconds(5), Duration.ofSeconds(5), Duration.ofMinutes(1), Duration.ofHours(24));
        assertThat(delivery.status).isEqualTo(WebhookDelivery.DELIVERED);
        assertThat(delivery.nextAttemptAt).isNull();
        assertThat(delivery.attempts).isEqualTo(2);
        assertThat(delivery.id).startsWith("msg_");
    }
}
