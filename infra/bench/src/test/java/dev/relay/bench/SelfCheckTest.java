package dev.relay.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

/** A broken run says why and prints no figures. */
class SelfCheckTest {

    @Test
    void aScheduleThatDidNotFireOrFiredTwiceBreaksTheRunBeforeAnyFigure() {
        Instant due = Instant.now();
        long[] firedAt = {due.toEpochMilli() + 5, due.toEpochMilli() + 9};
        Assertions.assertThat(printedWhileFailing(() -> Firings.report("relay.one", 3, 2, due, firedAt, 0, 0),
                "relay.one: 2 of 3 schedules fired")).isEmpty();
        Assertions.assertThat(printedWhileFailing(() -> Firings.report("relay.one", 2, 2, due, firedAt, 1, 0),
                "relay.one: 1 extra firings of schedules that had fired already")).isEmpty();
    }

    @Test
    void aStreamThatDidNotAnswer200IsCountedAndBreaksTheRun() {
        List<CompletableFuture<Integer>> opened = List.of(CompletableFuture.completedFuture(200),
                CompletableFuture.completedFuture(404), CompletableFuture.completedFuture(404),
                CompletableFuture.failedFuture(new java.io.IOException("connection refused")));
        assertThatThrownBy(() -> SseConnection.requireAllOk(opened, 1, "idle streams"))
                .isInstanceOf(InvariantViolation.class)
                .hasMessage("3 of 4 idle streams did not answer 200 (status: count, -1 = no answer) {-1=1, 200=1, 404=2}");
    }

    private static String printedWhileFailing(Runnable run, String message) {
        PrintStream original = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            assertThatThrownBy(run::run).isInstanceOf(InvariantViolation.class).hasMessage(message);
        } finally {
            System.setOut(original);
        }
        return printed.toString(StandardCharsets.UTF_8);
    }
}
