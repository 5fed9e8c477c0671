package dev.relay.stream.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.relay.common.error.ApiException;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;

class OpenChecksTest {

    @Test
    void checksBeyondTheLimitWaitTheirTurnInArrivalOrderAndEachTurnIsGivenBackOnce() {
        OpenChecks checks = new OpenChecks(2, Duration.ofMinutes(1));
        List<Integer> started = new ArrayList<>();
        List<UniEmitter<? super String>> answers = new ArrayList<>();
        List<String> answered = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int check = i;
            checks.inTurn(() -> Uni.createFrom().<String>emitter(answer -> {
                started.add(check);
                answers.add(answer);
            })).subscribe().with(answered::add, failure -> answered.add("failed"));
        }
        assertThat(started).containsExactly(0, 1);
        answers.get(0).complete("a");
        assertThat(started).containsExactly(0, 1, 2);
        answers.get(1).fail(new IllegalStateException("the database failed"));
        answers.get(2).complete("c");
        assertThat(started).containsExactly(0, 1, 2, 3, 4);
        assertThat(answered).containsExactly("a", "failed", "c");
    }

    @Test
    void aCheckThatThrowsGivesItsTurnBack() {
        OpenChecks checks = new OpenChecks(1, Duration.ofMinutes(1));
        assertThatThrownBy(() -> checks.inTurn(() -> {
            throw ApiException.invalidRequest("not a task id");
        }).await().atMost(Duration.ofSeconds(5))).isInstanceOf(ApiException.class);
        assertThat(checks.inTurn(() -> Uni.createFrom().item("next")).await().atMost(Duration.ofSeconds(5))).isEqualTo("next");
    }

    @Test
    void aCheckUnansweredPastTheTimeoutFailsWith503AndGivesItsTurnBack() {
        OpenChecks checks = new OpenChecks(1, Duration.ofMillis(100));
        assertThatThrownBy(() -> checks.inTurn(() -> Uni.createFrom().<String>nothing()).await().atMost(Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(ApiException.class, unavailable -> assertThat(unavailable.status()).isEqualTo(503));
        assertThat(checks.inTurn(() -> Uni.createFrom().item("next")).await().atMost(Duration.ofSeconds(5))).isEqualTo("next");
    }

    @Test
    void manyThreadsNeverRunMoreThanTheLimitAtOnceAndEveryCheckHasItsTurn() throws Exception {
        OpenChecks checks = new OpenChecks(3, Duration.ofMinutes(1));
        AtomicInteger running = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        AtomicInteger answered = new AtomicInteger();
        ExecutorService callers = Executors.newFixedThreadPool(8);
        ExecutorService database = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 2_000; i++) {
            callers.submit(() -> checks.inTurn(() -> Uni.createFrom().<Integer>emitter(answer -> {
                most.accumulateAndGet(running.incrementAndGet(), Math::max);
                // the answer comes later, on another thread, as a database's does
                database.submit(() -> {
                    running.decrementAndGet();
                    answer.complete(1);
                });
            })).subscribe().with(one -> answered.incrementAndGet()));
        }
        callers.shutdown();
        assertThat(callers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (int waited = 0; answered.get() < 2_000 && waited < 300; waited++) {
            Thread.sleep(100);
        }
        database.shutdown();
        assertThat(answered.get()).as("every check had its turn").isEqualTo(2_000);
        assertThat(most.get()).isBetween(1, 3);
    }
}
