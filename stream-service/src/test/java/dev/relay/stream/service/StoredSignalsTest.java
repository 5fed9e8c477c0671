package dev.relay.stream.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import dev.relay.common.event.TaskEvent;
import dev.relay.common.event.TaskEventTypes;
import dev.relay.stream.domain.ReceivedEvent;

class StoredSignalsTest {

    private final StoredSignals signals = new StoredSignals();

    @Test
    void aWaiterIsWokenOnceByTheFirstStoreOfItsTaskOnly() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        signals.onStored(task, 0, woken::incrementAndGet);

        signals.stored(List.of(event(UUID.randomUUID())));
        assertThat(woken).hasValue(0);
        signals.stored(List.of(event(task), event(task)));
        signals.stored(List.of(event(task)));

        assertThat(woken).hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    @Test
    void aWaiterThatStoppedWaitingIsNotWokenAndNotKept() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        Runnable stop = signals.onStored(task, 0, woken::incrementAndGet);
        signals.onStored(task, 0, woken::incrementAndGet);

        stop.run();
        stop.run();
        assertThat(signals.waiting()).isEqualTo(1);
        signals.stored(List.of(event(task)));

        assertThat(woken).hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    @Test
    void aWaiterForASeqIsWokenOnlyOnceThatSeqOrALaterOneIsStored() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        signals.onStored(task, 5, woken::incrementAndGet);

        signals.stored(List.of(event(task, 3), event(task, 4)));
        assertThat(woken).hasValue(0);
        assertThat(signals.waiting()).isEqualTo(1);
        signals.stored(List.of(event(task, 5)));

        assertThat(woken).hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    @Test
    void aWatchTakenBeforeALookRemembersAStoreThatLandsBeforeThePauseWaitsOnIt() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        StoredSignals.Watch watch = signals.watch(task, 2);

        signals.stored(List.of(event(task, 2))); // between the look and the pause
        watch.then(woken::incrementAndGet);
        watch.then(woken::incrementAndGet);

        assertThat(woken).as("woken at once, and once").hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    @Test
    void aWatchWakesItsPauseOnceWhenItsSeqIsStoredAndAStoppedOneNeverDoes() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger stoppedWoken = new AtomicInteger();
        StoredSignals.Watch watch = signals.watch(task, 0);
        StoredSignals.Watch stopped = signals.watch(task, 0);
        watch.then(woken::incrementAndGet);
        stopped.then(stoppedWoken::incrementAndGet);

        stopped.stop();
        signals.stored(List.of(event(task)));
        signals.stored(List.of(event(task)));

        assertThat(woken).hasValue(1);
        assertThat(stoppedWoken).hasValue(0);
        assertThat(signals.waiting()).isZero();
    }

    @Test
    void aWatchNobodyStoppedIsForgottenOnceStale() throws Exception {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        signals.watch(task, 0).then(woken::incrementAndGet);
        signals.forgetOlderThan(60_000_000_000L);
        assertThat(signals.waiting()).isEqualTo(1);

        Thread.sleep(2);
        signals.forgetOlderThan(1_000_000);
        signals.stored(List.of(event(task)));

        assertThat(signals.waiting()).isZero();
        assertThat(woken).hasValue(0);
    }

    @Test
    void aWakeThatFailsLeavesTheOthersWoken() {
        UUID task = UUID.randomUUID();
        AtomicInteger woken = new AtomicInteger();
        signals.onStored(task, 0, () -> {
            throw new IllegalStateException("the context is gone");
        });
        signals.onStored(task, 0, woken::incrementAndGet);

        signals.stored(List.of(event(task)));

        assertThat(woken).hasValue(1);
        assertThat(signals.waiting()).isZero();
    }

    private static ReceivedEvent event(UUID task) {
        return event(task, 1);
    }

    private static ReceivedEvent event(UUID task, long seq) {
        return new ReceivedEvent(new TaskEvent(UUID.randomUUID(), task, "acme", seq, null, TaskEventTypes.TASK_CREATED, Instant.now(),
                JsonNodeFactory.instance.objectNode()), "{}");
    }
}
