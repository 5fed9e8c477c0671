package dev.relay.stream.sse;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class OpensAtOnceTest {

    @Test
    void opensBeyondTheLimitWaitTheirTurnInArrivalOrder() {
        OpensAtOnce opens = new OpensAtOnce(2);
        List<Integer> started = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            int open = i;
            opens.inTurn(() -> started.add(open));
        }
        assertThat(started).containsExactly(0, 1);
        opens.done();
        assertThat(started).containsExactly(0, 1, 2);
        opens.done();
        opens.done();
        assertThat(started).containsExactly(0, 1, 2, 3, 4);
    }

    @Test
    void manyThreadsNeverCheckMoreThanTheLimitAtOnceAndEveryOpenHasItsTurn() throws Exception {
        OpensAtOnce opens = new OpensAtOnce(3);
        AtomicInteger checking = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        CountDownLatch finished = new CountDownLatch(2_000);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        ExecutorService checks = Executors.newFixedThreadPool(4);
        for (int i = 0; i < 2_000; i++) {
            threads.submit(() -> opens.inTurn(() -> {
                most.accumulateAndGet(checking.incrementAndGet(), Math::max);
                // a check ends later, on another thread, as a database answer does
                checks.submit(() -> {
                    checking.decrementAndGet();
                    opens.done();
                    finished.countDown();
                });
            }));
        }
        assertThat(finished.await(30, TimeUnit.SECONDS)).as("every open had its turn").isTrue();
        threads.shutdown();
        checks.shutdown();
        assertThat(most.get()).isBetween(1, 3);
    }
}
